package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link TransactionStore} on the state stores: reads the topology's inputs (commands at their offsets, outcomes,
 * replay positions, operators' actions) and hands each to the store, the single writer of every store.
 *
 * <p>A record it cannot read is forwarded to the dead-letter topic, in the same exactly-once transaction as the
 * FAILED state it may give the transaction its headers name (see {@link TransactionStore#unreadable}).
 *
 * <p>A settled transaction (VISIBLE or DISCARDED) is forgotten once it has been settled for the retention: a
 * wall-clock punctuator walks {@link TransactionStateTopology#SETTLED_BY_TIME} from its oldest entry and deletes
 * everything stored for each, so the stores, and their compacted changelogs, hold what is in flight plus one
 * retention of history. FAILED ones wait for an operator and never expire.
 */
final class TransactionStateProcessor implements Processor<String, byte[], String, byte[]> {

    static final String HEADER_RETRIED_BY = TransactionStateTopology.HEADER_RETRIED_BY;

    /** Key prefix, on the replay topic, of an operator's discard of a FAILED transaction (value: who). */
    static final String DISCARD_PREFIX = "discard:";
    /**
     * Key prefix, on the replay topic, of an outcome read from the replica's ledger instead of the outcome stream
     * (value: a {@link TransactionOutcome}); see {@link LedgerReconciler}.
     */
    static final String LEDGER_OUTCOME_PREFIX = "ledger-outcome:";

    /**
     * How often the expiry runs. Cheap when nothing is due (one seek), so often: a large batch of settled
     * transactions leaves at up to {@link #DEFAULT_EXPIRY_CHUNK} per sweep rather than all at once.
     */
    static final Duration EXPIRY_INTERVAL = Duration.ofMillis(500);
    /**
     * The most transactions one sweep forgets: each is a few deletes and their changelog tombstones, and the stream
     * thread processes nothing else meanwhile, inside one exactly-once transaction, which the broker aborts after
     * 10 s. On a machine with a load average of 25 the stream thread was fenced that way while sweeps of 2,000 ran
     * among a million settling, so a sweep is kept small: 1,000 a second, a million in under 17 minutes.
     */
    static final int DEFAULT_EXPIRY_CHUNK = 500;

    /**
     * The most APPLIED transactions one replay record (or one run of the punctuator) makes VISIBLE; the punctuator
     * settles the rest, this many every {@link #EXPIRY_INTERVAL}. Each is a few reads and writes, and the broker
     * aborts an exactly-once transaction after a minute: a replica far behind left hundreds of thousands for one
     * replay record.
     */
    static final int SETTLE_CHUNK = 5_000;

    /** Key prefix, on the replay topic, of the first answer to an Idempotency-Key's write (value: {@link IdempotencyEntry}). */
    static final String ANSWER_PREFIX = "answer:";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionStateProcessor.class);

    private final String site;
    private final String replayTopic;
    private final Consumer<TrackedTransaction> entered;
    private final BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable;
    private final Duration retention;
    private final int expiryChunk;
    private final TaskServingListener serving;
    private final Supplier<Lsn> replayedSeen;
    private final MessageCodec<WriteCommand> commands = RelayCodecs.writeCommands();
    private final MessageCodec<TransactionOutcome> outcomes = RelayCodecs.transactionOutcomes();
    private final LongDeserializer longs = new LongDeserializer();

    private ProcessorContext<String, byte[]> context;
    private TransactionStore store;

    /**
     * @param retention how long a VISIBLE or DISCARDED transaction is kept after it settled
     * @param expiryChunk the most transactions one sweep forgets
     * @param unreadable told of each record set aside, after its dead letter is forwarded
     * @param serving told when this processor starts in its task (the task's stores restored) and stops
     * @param replayedSeen the replica's replay position as last polled, ahead of the replay records when they queue
     *        behind other input (see {@link TransactionStore#TransactionStore(String, TransactionStore.Stores,
     *        Supplier, Supplier, Consumer)})
     */
    TransactionStateProcessor(
            String site,
            String replayTopic,
            Duration retention,
            int expiryChunk,
            Consumer<TrackedTransaction> entered,
            BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable,
            TaskServingListener serving,
            Supplier<Lsn> replayedSeen) {
        this.site = site;
        this.replayTopic = replayTopic;
        this.retention = retention;
        this.expiryChunk = expiryChunk;
        this.entered = entered;
        this.unreadable = unreadable;
        this.serving = serving;
        this.replayedSeen = replayedSeen;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        store = new TransactionStore(site, context::getStateStore, this::now, replayedSeen, entered);
        // Wall-clock time: settled transactions must leave even when no input arrives at all.
        context.schedule(EXPIRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, wallClockMs -> {
            store.settleReplayed(SETTLE_CHUNK);
            store.expireSettled(wallClockMs, retention, expiryChunk);
        });
        serving.started(context.taskId());
    }

    @Override
    public void close() {
        // Streams closes only processors it initialised; one that never started has nothing to report.
        if (context != null) {
            serving.stopped(context.taskId());
        }
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        String key = record.key();
        if (metadata.topic().equals(RelayTopics.COMMANDS)) {
            WriteCommand command = read(commands, UnreadableRecord.Source.COMMAND, site, record, metadata);
            if (command != null) {
                command(
                        command,
                        record.value(),
                        metadata.offset(),
                        RelayTopics.header(record.headers(), HEADER_RETRIED_BY));
            }
        } else if (metadata.topic().equals(replayTopic) && key != null && key.startsWith(LEDGER_OUTCOME_PREFIX)) {
            outcome(record, metadata);
        } else if (metadata.topic().equals(replayTopic) && key != null && key.startsWith(DISCARD_PREFIX)) {
            store.discard(key.substring(DISCARD_PREFIX.length()), new String(record.value(), StandardCharsets.UTF_8));
        } else if (metadata.topic().equals(replayTopic) && key != null && key.startsWith(ANSWER_PREFIX)) {
            store.answered(key.substring(ANSWER_PREFIX.length()), record.value());
        } else if (metadata.topic().equals(replayTopic)) {
            store.replayedUpTo(Lsn.valueOf(longs.deserialize(replayTopic, record.value())), SETTLE_CHUNK);
        } else {
            outcome(record, metadata);
        }
    }

    /** @param encoded the command as it came: the stores keep its operations in these bytes, not encoded again */
    private void command(WriteCommand command, byte[] encoded, long sequence, String retriedBy) {
        if (!store.isOurs(command.getSite())) {
            return;
        }
        store.buffered(
                new Buffered(
                        command.getTransactionId(),
                        sequence,
                        command.getAttempt(),
                        EncodedOperations.of(encoded, command.getOperations()),
                        command.getAcceptedAt(),
                        retriedBy),
                command.getClientRequest() == null
                        ? null
                        : command.getClientRequest().getRequestHash());
    }

    private void outcome(Record<String, byte[]> record, RecordMetadata metadata) {
        // Whose it is only its headers can say; the topic names the main site, not the transaction's.
        TransactionOutcome outcome = read(outcomes, UnreadableRecord.Source.OUTCOME, null, record, metadata);
        if (outcome != null) {
            store.outcome(outcome);
        }
    }

    /** The record's value decoded; null when it cannot be, and the record was set aside. */
    private <T> T read(
            MessageCodec<T> codec,
            UnreadableRecord.Source source,
            String fromSite,
            Record<String, byte[]> record,
            RecordMetadata metadata) {
        try {
            return codec.decode(record.value());
        } catch (MessageDecodingException e) {
            setAside(source, fromSite, record, metadata, e);
            return null;
        }
    }

    /** Forwards {@code record} to the dead-letter topic with why, and lets the store fail the transaction it names. */
    private void setAside(
            UnreadableRecord.Source source,
            String fromSite,
            Record<String, byte[]> record,
            RecordMetadata metadata,
            MessageDecodingException problem) {
        UnreadableRecord set = UnreadableRecord.of(
                source,
                metadata.topic(),
                metadata.partition(),
                metadata.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers(),
                fromSite,
                problem.getMessage());
        UnreadableRecord.Fate fate = store.unreadable(set);
        LOG.error(
                "Unreadable record {}-{}@{} (transaction {}, {}) set aside on {}: {}",
                set.topic(),
                set.partition(),
                set.offset(),
                set.transactionId() == null ? "unknown" : set.transactionId(),
                fate.label(),
                DeadLetterTopic.name(site),
                set.reason());
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), DeadLetterTopic.headers(set)));
        unreadable.accept(set, fate);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }
}
