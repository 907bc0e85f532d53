package io.opsdb.relay.secondary.transaction;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;

/**
 * The state machine of {@link TransactionTracker}, BUFFERED -> APPLIED -> VISIBLE | FAILED, on state stores:
 * commands enter BUFFERED at their offset, outcomes move them on, replay positions make APPLIED ones
 * VISIBLE. Every input may be delivered again (at-least-once, a restart): each step is idempotent.
 *
 * <p>A settled transaction (VISIBLE or DISCARDED) is forgotten once it has been settled for the retention: a
 * wall-clock punctuator walks {@link TransactionStateTopology#SETTLED_BY_TIME} from its oldest entry and deletes
 * everything stored for each, so the stores, and their compacted changelogs, hold what is in flight plus one
 * retention of history. FAILED ones wait for an operator and never expire.
 */
final class TransactionStateProcessor implements Processor<String, byte[], Void, Void> {

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

    /** Key prefix, on the replay topic, of the first answer to an Idempotency-Key's write (value: {@link IdempotencyEntry}). */
    static final String ANSWER_PREFIX = "answer:";

    static final String REPLAYED = "replayed";
    static final String NEWEST_COMMIT = "newest-commit";

    private static final Logger LOG = LoggerFactory.getLogger(TransactionStateProcessor.class);
    private static final byte SEPARATOR = 0;

    private final String site;
    private final String replayTopic;
    private final Consumer<TrackedTransaction> entered;
    private final Duration retention;
    private final int expiryChunk;
    private final MessageCodec<WriteCommand> commands = RelayCodecs.writeCommands();
    private final MessageCodec<TransactionOutcome> outcomes = RelayCodecs.transactionOutcomes();
    private final LongDeserializer longs = new LongDeserializer();

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> transactions;
    private KeyValueStore<Bytes, byte[]> overlay;
    private KeyValueStore<Bytes, byte[]> appliedByLsn;
    private KeyValueStore<Bytes, byte[]> byState;
    private KeyValueStore<String, Long> positions;
    private KeyValueStore<String, byte[]> earlyOutcomes;
    private KeyValueStore<Bytes, byte[]> settledByTime;

    private KeyValueStore<String, byte[]> idempotencyKeys;

    /**
     * @param retention how long a VISIBLE or DISCARDED transaction is kept after it settled
     * @param expiryChunk the most transactions one sweep forgets
     */
    TransactionStateProcessor(String site, String replayTopic, Duration retention, int expiryChunk,
            Consumer<TrackedTransaction> entered) {
        this.site = site;
        this.replayTopic = replayTopic;
        this.retention = retention;
        this.expiryChunk = expiryChunk;
        this.entered = entered;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        transactions = context.getStateStore(TransactionStateTopology.TRANSACTIONS);
        overlay = context.getStateStore(TransactionStateTopology.OVERLAY);
        appliedByLsn = context.getStateStore(TransactionStateTopology.APPLIED_BY_LSN);
        byState = context.getStateStore(TransactionStateTopology.BY_STATE);
        positions = context.getStateStore(TransactionStateTopology.POSITIONS);
        earlyOutcomes = context.getStateStore(TransactionStateTopology.EARLY_OUTCOMES);
        settledByTime = context.getStateStore(TransactionStateTopology.SETTLED_BY_TIME);
        // Wall-clock time: settled transactions must leave even when no input arrives at all.
        context.schedule(EXPIRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::expireSettled);

        idempotencyKeys = context.getStateStore(TransactionStateTopology.IDEMPOTENCY_KEYS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        try {
            if (metadata.topic().equals(RelayTopics.COMMANDS)) {
                command(commands.decode(record.value()), metadata.offset(), retriedBy(record));
            }
            else if (metadata.topic().equals(replayTopic) && record.key() != null
                    && record.key().startsWith(LEDGER_OUTCOME_PREFIX)) {
                outcome(outcomes.decode(record.value()));
            }
            else if (metadata.topic().equals(replayTopic) && record.key() != null
                    && record.key().startsWith(DISCARD_PREFIX)) {
                discard(record.key().substring(DISCARD_PREFIX.length()), new String(record.value(), StandardCharsets.UTF_8));
            }
            else if (metadata.topic().equals(replayTopic) && record.key() != null
                    && record.key().startsWith(ANSWER_PREFIX)) {
                // The first answer, given after the command: it completes the key's entry, whichever came first.
                idempotencyKeys.put(record.key().substring(ANSWER_PREFIX.length()), record.value());
            }
            else if (metadata.topic().equals(replayTopic)) {
                replayedUpTo(Lsn.valueOf(longs.deserialize(replayTopic, record.value())));
            }
            else {
                outcome(outcomes.decode(record.value()));
            }
        }
        catch (MessageDecodingException e) {
            // A message this version cannot read changes no state here; say so loudly and go on.
            LOG.error("Unreadable message {}-{}@{} skipped: {}", metadata.topic(), metadata.partition(), metadata.offset(),
                    e.getMessage());
        }
    }

    private static String retriedBy(Record<String, byte[]> record) {
        Header header = record.headers().lastHeader(HEADER_RETRIED_BY);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private void command(WriteCommand command, long sequence, String retriedBy) {
        if (!site.equals(command.getSite())) {
            return;
        }
        String id = command.getTransactionId();
        keyOf(command);
        TrackedTransaction tx = find(id);
        List<Operation> operations = List.copyOf(command.getOperations());
        if (tx == null) {
            tx = new TrackedTransaction(id, sequence, command.getAttempt(), operations, TransactionState.BUFFERED,
                    command.getAcceptedAt(), null, null, null, null);
        }
        else if (command.getAttempt() > tx.attempt() && tx.state().acceptsOperatorAction()) {
            tx = tx.retryAs(sequence, command.getAttempt(), new OperatorAction(retriedBy, now()));
        }
        else {
            // Delivered again, or its outcome (a retry's at the main site) got here first.
            return;
        }
        // The overlay first: whoever sees the transaction stored (the tracker, to let go of its copy) finds its
        // operations there too.
        addToOverlay(tx);
        store(tx);
        entered.accept(tx);
        byte[] early = earlyOutcomes.delete(id);
        if (early != null) {
            outcome(outcomes.decode(early));
        }
    }

    /** The Idempotency-Key a command came with belongs to its first request, from this command on. */
    private void keyOf(WriteCommand command) {
        if (command.getClientRequest() != null && idempotencyKeys.get(command.getTransactionId()) == null) {
            idempotencyKeys.put(command.getTransactionId(),
                    new IdempotencyEntry(command.getClientRequest().getRequestHash(), null).encode());
        }
    }

    private void outcome(TransactionOutcome outcome) {
        if (!site.equals(outcome.getSite())) {
            return;
        }
        TrackedTransaction tx = find(outcome.getTransactionId());
        if (tx == null) {
            earlyOutcomes.put(outcome.getTransactionId(), outcomes.encode(outcome));
            return;
        }
        if (outcome.getAttempt() > tx.attempt()) {
            tx = tx.following(outcome.getAttempt());
        }
        else if (tx.state() != TransactionState.BUFFERED || outcome.getAttempt() < tx.attempt()) {
            return;
        }
        if (outcome.getStatus() == OutcomeStatus.FAILED) {
            settle(tx, tx.failed(now(), outcome.getError()));
            return;
        }
        Lsn commitLsn = Lsn.valueOf(outcome.getCommitLsn());
        if (commitLsn.compareTo(position(NEWEST_COMMIT)) > 0) {
            positions.put(NEWEST_COMMIT, commitLsn.asLong());
        }
        TrackedTransaction applied = tx.applied(commitLsn, now());
        if (commitLsn.isAtOrBefore(position(REPLAYED))) {
            store(applied);
            entered.accept(applied);
            settle(applied, applied.visible(now()));
        }
        else {
            store(applied);
            appliedByLsn.put(lsnKey(commitLsn, applied.transactionId()), new byte[0]);
            entered.accept(applied);
        }
    }

    private void discard(String transactionId, String by) {
        TrackedTransaction tx = find(transactionId);
        if (tx != null && tx.state().acceptsOperatorAction()) {
            TrackedTransaction discarded = tx.setAside(new OperatorAction(by, now()));
            store(discarded);
            entered.accept(discarded);
        }
    }

    private void replayedUpTo(Lsn position) {
        if (position.compareTo(position(REPLAYED)) <= 0) {
            return;
        }
        positions.put(REPLAYED, position.asLong());
        List<Bytes> passed = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> due = appliedByLsn.range(null, lsnUpTo(position))) {
            while (due.hasNext()) {
                passed.add(due.next().key);
            }
        }
        for (Bytes key : passed) {
            appliedByLsn.delete(key);
            String id = new String(key.get(), Long.BYTES, key.get().length - Long.BYTES, StandardCharsets.UTF_8);
            TrackedTransaction tx = find(id);
            if (tx != null && tx.state() == TransactionState.APPLIED && tx.commitLsn().isAtOrBefore(position)) {
                settle(tx, tx.visible(now()));
            }
        }
    }

    /** {@code tx} leaves flight as {@code settled}: its operations leave the overlay. */
    private void settle(TrackedTransaction tx, TrackedTransaction settled) {
        store(settled);
        if (tx.sequence() >= 0) {
            for (int i = 0; i < tx.operations().size(); i++) {
                overlay.delete(overlayKey(tx.operations().get(i).getRecordId(), tx.sequence(), i));
            }
        }
        entered.accept(settled);
    }

    /** Forgets, oldest first, up to {@link #expiryChunk} transactions settled longer than the retention ago. */
    private void expireSettled(long wallClockMs) {
        long settledBefore = wallClockMs - retention.toMillis();
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> oldest = settledByTime.range(null, settledKeyUpTo(settledBefore))) {
            while (oldest.hasNext() && due.size() < expiryChunk) {
                due.add(oldest.next().key);
            }
        }
        for (Bytes key : due) {
            settledByTime.delete(key);
            String id = new String(key.get(), Long.BYTES, key.get().length - Long.BYTES, StandardCharsets.UTF_8);
            TrackedTransaction tx = find(id);
            // An entry whose transaction has moved on since (a later attempt) only leaves the index; were it settled
            // again, its newer entry would count from then.
            if (tx != null && tx.state().isExpirable() && settledAt(tx).toEpochMilli() < settledBefore) {
                forget(tx);
            }
        }
    }

    /**
     * Deletes everything stored for {@code tx} (a tombstone in each changelog): after this its id is unknown here. A
     * settled transaction has nothing left in the overlay or the LSN index (settling took it out of both).
     */
    private void forget(TrackedTransaction tx) {
        transactions.delete(tx.transactionId());
        // Its Idempotency-Key is kept exactly as long as its status (a retry after that is deduplicated at Cologne).
        idempotencyKeys.delete(tx.transactionId());
        if (byState.delete(stateKey(tx.state(), tx.transactionId())) != null) {
            count(tx.state(), -1);
        }
    }

    /** When {@code tx} settled for good: what its retention counts from. */
    private static Instant settledAt(TrackedTransaction tx) {
        return tx.state() == TransactionState.VISIBLE ? tx.visibleAt() : tx.discarded().at();
    }

    private TrackedTransaction find(String id) {
        byte[] stored = transactions.get(id);
        return stored == null ? null : TrackedTransactionCodec.decode(stored);
    }

    private Lsn position(String name) {
        Long value = positions.get(name);
        return value == null ? Lsn.INVALID : Lsn.valueOf(value);
    }

    /** Every change goes through here, so the state index and counts stay in step with the transactions. */
    private void store(TrackedTransaction tx) {
        byte[] previousBytes = transactions.get(tx.transactionId());
        if (previousBytes != null) {
            TrackedTransaction previous = TrackedTransactionCodec.decode(previousBytes);
            if (byState.delete(stateKey(previous.state(), previous.transactionId())) != null) {
                count(previous.state(), -1);
            }
        }
        transactions.put(tx.transactionId(), TrackedTransactionCodec.encode(tx));
        if (tx.state().isExpirable()) {
            settledByTime.put(settledKey(settledAt(tx).toEpochMilli(), tx.transactionId()), new byte[0]);
        }
        Bytes stateKey = stateKey(tx.state(), tx.transactionId());
        if (byState.get(stateKey) == null) {
            byState.put(stateKey, new byte[0]);
            count(tx.state(), 1);
        }
    }

    private void count(TransactionState state, long delta) {
        Long count = positions.get(countKey(state));
        positions.put(countKey(state), (count == null ? 0 : count) + delta);
    }

    private void addToOverlay(TrackedTransaction tx) {
        for (int i = 0; i < tx.operations().size(); i++) {
            Operation op = tx.operations().get(i);
            overlay.put(overlayKey(op.getRecordId(), tx.sequence(), i),
                    TrackedTransactionCodec.encodeOperation(tx.transactionId(), op));
        }
    }

    static String countKey(TransactionState state) {
        return "count." + state.name();
    }

    /** All of one record's overlay keys start with this. */
    static Bytes overlayPrefix(String recordId) {
        byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 1).put(id).put(SEPARATOR).array());
    }

    static Bytes overlayKey(String recordId, long sequence, int index) {
        byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 1 + Long.BYTES + Integer.BYTES)
                .put(id).put(SEPARATOR).putLong(sequence).putInt(index).array());
    }

    /** Big-endian, compared unsigned byte by byte: LSN order. */
    static Bytes lsnKey(Lsn lsn, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(lsn.asLong()).put(id).array());
    }

    /** Above every key of a transaction committed at or before {@code lsn} (ids are ASCII). */
    static Bytes lsnUpTo(Lsn lsn) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1).putLong(lsn.asLong()).put((byte) 0xFF).array());
    }

    /** Settle time (epoch ms, big-endian: time order for times after 1970), transaction id. */
    static Bytes settledKey(long settledAtMs, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(settledAtMs).put(id).array());
    }

    /** Below every key of a transaction settled at or after {@code settledAtMs}, above every earlier one. */
    static Bytes settledKeyUpTo(long settledAtMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(settledAtMs).array());
    }

    static Bytes stateKey(TransactionState state, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + id.length).put(state.code()).put(id).array());
    }

}
