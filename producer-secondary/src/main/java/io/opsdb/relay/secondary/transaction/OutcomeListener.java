package io.opsdb.relay.secondary.transaction;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.TransactionOutcome;

/** Follows the main site's outcomes as MirrorMaker 2 mirrors them here ({@code <main site>.ops.outcomes}). */
@Component
public class OutcomeListener {

    /** The listener container's id, watched by health. */
    public static final String ID = "outcome-follower";

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeListener.class);

    private final TransactionTracker tracker;
    private final MessageCodec<TransactionOutcome> codec = RelayCodecs.transactionOutcomes();

    OutcomeListener(TransactionTracker tracker) {
        this.tracker = tracker;
    }

    @KafkaListener(id = ID, groupId = "relay-#{@siteConfiguration.siteName()}-outcomes",
            topicPattern = "#{T(io.opsdb.relay.kafka.RelayTopics).MIRRORED_OUTCOMES.pattern()}")
    void onOutcome(ConsumerRecord<String, byte[]> record) {
        TransactionOutcome outcome;
        try {
            outcome = codec.decode(record.value());
        }
        catch (MessageDecodingException e) {
            // An outcome this version cannot read changes no state here; say so loudly and go on.
            LOG.error("Unreadable outcome {}-{}@{} skipped: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return;
        }
        tracker.outcome(outcome);
    }
}
