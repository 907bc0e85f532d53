package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.TransactionOutcome;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Follows the main site's outcomes as MirrorMaker 2 mirrors them here ({@code <main site>.ops.outcomes.<site>}, only
 * this site's; see {@link io.opsdb.relay.kafka.RelayTopics#mirroredOutcomes}). A record it
 * cannot read goes to the tracker too, which sets it aside ({@link TransactionTracker#unreadableOutcome}).
 */
@Component
public class OutcomeListener {

    /** The listener container's id, watched by health. */
    public static final String ID = "outcome-follower";

    private final TransactionTracker tracker;
    private final MessageCodec<TransactionOutcome> codec = RelayCodecs.transactionOutcomes();

    OutcomeListener(TransactionTracker tracker) {
        this.tracker = tracker;
    }

    @KafkaListener(
            id = ID,
            groupId = "relay-#{@siteConfiguration.siteName()}-outcomes",
            topicPattern =
                    "#{T(io.opsdb.relay.kafka.RelayTopics).mirroredOutcomes(@siteConfiguration.siteName()).pattern()}")
    void onOutcome(ConsumerRecord<String, byte[]> record) {
        TransactionOutcome outcome;
        try {
            outcome = codec.decode(record.value());
        } catch (MessageDecodingException e) {
            // Whose it is only its headers can say; the topic names the main site, not the transaction's.
            tracker.unreadableOutcome(UnreadableRecord.of(
                    UnreadableRecord.Source.OUTCOME,
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    record.key(),
                    record.value(),
                    record.headers(),
                    null,
                    e.getMessage()));
            return;
        }
        tracker.outcome(outcome);
    }
}
