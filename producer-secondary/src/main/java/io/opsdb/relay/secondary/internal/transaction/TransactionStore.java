package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Discarded;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Expiry;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Outcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Replayed;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Unreadable;
import io.opsdb.relay.secondary.internal.transaction.Transition.Refusal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one store of a secondary's transactions: applies what {@link TransactionStateMachine} decides to the stores
 * {@link TransactionStateTopology} declares, and keeps their indexes in step (by state, the in-flight overlay, APPLIED
 * ones by commit LSN, settled ones by time, the counts). The stores are RocksDB's, changelogged, when
 * {@link TransactionStateProcessor} runs it, or {@link HeapKeyValueStore}s (TRANSACTION_STATE_STORE off, and a
 * secondary's direct writes); it works the same on both. One writer at a time; {@link TransactionStateView} reads.
 *
 * <p>Every input may be delivered again (at-least-once, a restart): the machine refuses what was already applied.
 */
final class TransactionStore {

    static final String REPLAYED = "replayed";
    static final String NEWEST_COMMIT = "newest-commit";

    private static final byte SEPARATOR = 0;
    private static final byte[] NOTHING = new byte[0];

    /** Finds one of the stores by name: the processor's, or the heap's. */
    @FunctionalInterface
    interface Stores {
        <K, V> KeyValueStore<K, V> get(String name);
    }

    private final String site;
    private final Supplier<Instant> clock;
    private final Supplier<Lsn> replayedSeen;
    private final Consumer<TrackedTransaction> entered;
    private final MessageCodec<TransactionOutcome> outcomes = RelayCodecs.transactionOutcomes();

    private final KeyValueStore<String, byte[]> transactions;
    private final KeyValueStore<Bytes, byte[]> overlay;
    private final KeyValueStore<Bytes, byte[]> appliedByLsn;
    private final KeyValueStore<Bytes, byte[]> byState;
    private final KeyValueStore<String, Long> positions;
    private final KeyValueStore<String, byte[]> earlyOutcomes;
    private final KeyValueStore<Bytes, byte[]> settledByTime;
    private final KeyValueStore<String, byte[]> idempotencyKeys;

    /**
     * No key of the settle-time index below this is left (null: not known, as after the store's opening): the expiry's
     * range starts here, not at the index's first key. A deleted key stays in RocksDB as a tombstone until a compaction
     * drops it, and a range from the first key walks every one: with a million settled, each sweep (twice a second)
     * walked up to a million tombstones, and the stream thread spent most of its time there instead of settling.
     */
    private Bytes expiredBelow;

    /**
     * No key of the LSN index below this is due (null: not known, as after the store's opening): settling starts here.
     * A key enters the index only with a commit above what the replica is known to have replayed (see {@code
     * applied}), so everything below this has left; and a range from the index's first key walks every tombstone the
     * settled ones left: with a million settled, every replay position walked up to a million of them.
     */
    private Bytes passedBelow;

    /**
     * @param site this site's name: only its own transactions are kept; null keeps every site's (a heap tracker made
     *        without a site, in tests)
     * @param clock the time transitions are stamped with
     * @param entered told of every state a transaction enters, after the stores hold it
     */
    TransactionStore(String site, Stores stores, Supplier<Instant> clock, Consumer<TrackedTransaction> entered) {
        this(site, stores, clock, () -> Lsn.INVALID, entered);
    }

    /**
     * @param replayedSeen the replica's replay position as last seen by whoever polls it, which may be ahead of the
     *        replay records this store has been handed ({@link #replayedUpTo}): a transaction whose commit it has
     *        passed is VISIBLE as soon as it is APPLIED
     */
    TransactionStore(
            String site,
            Stores stores,
            Supplier<Instant> clock,
            Supplier<Lsn> replayedSeen,
            Consumer<TrackedTransaction> entered) {
        this.site = site;
        this.clock = clock;
        this.replayedSeen = replayedSeen;
        this.entered = entered;
        transactions = stores.get(TransactionStateTopology.TRANSACTIONS);
        overlay = stores.get(TransactionStateTopology.OVERLAY);
        appliedByLsn = stores.get(TransactionStateTopology.APPLIED_BY_LSN);
        byState = stores.get(TransactionStateTopology.BY_STATE);
        positions = stores.get(TransactionStateTopology.POSITIONS);
        earlyOutcomes = stores.get(TransactionStateTopology.EARLY_OUTCOMES);
        settledByTime = stores.get(TransactionStateTopology.SETTLED_BY_TIME);
        idempotencyKeys = stores.get(TransactionStateTopology.IDEMPOTENCY_KEYS);
    }

    /** True when a record of {@code recordSite} is one of this site's (a null site names none). */
    boolean isOurs(String recordSite) {
        return site == null || site.equals(recordSite);
    }

    /**
     * A command of this site at its offset: BUFFERED with its operations in the overlay, unless it was delivered
     * again. An outcome that got here before it is applied now.
     *
     * @param requestHash the hash of the request its Idempotency-Key came with, or null without one
     */
    void buffered(Buffered command, String requestHash) {
        String id = command.transactionId();
        if (requestHash != null && idempotencyKeys.get(id) == null) {
            // The key belongs to its first request, from this command on.
            idempotencyKeys.put(id, new IdempotencyEntry(requestHash, null).encode());
        }
        TrackedTransaction current = find(id);
        Transition transition = next(current, command);
        if (transition.kind() == Transition.Kind.NOTES) {
            store(current, transition.transaction());
            return;
        }
        if (!transition.enters()) {
            return;
        }
        TrackedTransaction tx = transition.transaction();
        // The overlay first: whoever sees the transaction stored (the tracker, to let go of its copy) finds its
        // operations there too.
        addToOverlay(tx);
        store(current, tx);
        entered.accept(tx);
        // Read first, deleted only if there: a delete of what is not there still writes a tombstone, to RocksDB and
        // to the changelog, for every command. Deleted as the others are, without reading it a second time.
        byte[] early = earlyOutcomes.get(id);
        if (early != null) {
            earlyOutcomes.put(id, null);
            outcome(outcomes.decode(early));
        }
    }

    /** The main site's verdict, from the outcome stream or the replica's ledger; kept for later if it came first. */
    void outcome(TransactionOutcome outcome) {
        if (!isOurs(outcome.getSite())) {
            return;
        }
        TrackedTransaction current = find(outcome.getTransactionId());
        Transition transition = next(current, Outcome.of(outcome));
        if (transition.refusal() == Refusal.UNKNOWN) {
            early(outcome);
        } else if (transition.enters()) {
            enter(current, current, transition.transaction());
        }
    }

    /**
     * Keeps an outcome whose command has not been processed (yet) until it comes, or for one retention from when the
     * outcome first came ({@link #expireSettled}). Many never get a command here: this site's own direct writes, which
     * the heap tracks, and outcomes delivered again after their transaction was forgotten. Should a command come later
     * than that, its transaction stays BUFFERED until {@link LedgerReconciler} finds its outcome in the replica's
     * ledger.
     */
    private void early(TransactionOutcome outcome) {
        String id = outcome.getTransactionId();
        if (earlyOutcomes.get(id) == null) {
            indexSettled(settledKey(clock.get().toEpochMilli(), id));
        }
        earlyOutcomes.put(id, outcomes.encode(outcome));
    }

    /** A transaction this site wrote straight to the primary: APPLIED, VISIBLE once the replica has its commit. */
    void appliedDirectly(AppliedDirectly write) {
        TrackedTransaction current = find(write.transactionId());
        Transition transition = next(current, write);
        if (transition.enters()) {
            enter(current, null, transition.transaction());
        }
    }

    /** The replica has replayed up to {@code position}: every APPLIED transaction at or below it is VISIBLE. */
    void replayedUpTo(Lsn position) {
        replayedUpTo(position, Integer.MAX_VALUE);
    }

    /**
     * The same, settling at most {@code chunk} of them now; {@link #settleReplayed} settles the rest. A replica that
     * was stopped or far behind leaves many APPLIED, and settling them all on one replay record kept the stream thread
     * in one exactly-once transaction for as long as that took.
     */
    void replayedUpTo(Lsn position, int chunk) {
        if (position.compareTo(position(REPLAYED)) <= 0) {
            return;
        }
        positions.put(REPLAYED, position.asLong());
        settleReplayed(chunk);
    }

    /**
     * Settles, in commit order, up to {@code chunk} of the APPLIED transactions whose commit the replica has replayed
     * (the replay records taken in so far). Cheap when none is due: nothing is read.
     *
     * @return true when some may be left for the next call
     */
    boolean settleReplayed(int chunk) {
        Lsn position = position(REPLAYED);
        Bytes upTo = lsnUpTo(position);
        if (passedBelow != null && passedBelow.compareTo(upTo) >= 0) {
            return false;
        }
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> passed = appliedByLsn.range(passedBelow, upTo)) {
            while (passed.hasNext() && due.size() < chunk) {
                due.add(passed.next().key);
            }
        }
        // A full chunk may have left some due: the next call starts at the last one taken (deleted by then).
        passedBelow = due.size() < chunk ? upTo : due.get(due.size() - 1);
        for (Bytes key : due) {
            appliedByLsn.put(key, null);
            TrackedTransaction tx = find(idAfter(key));
            Transition transition = next(tx, new Replayed(position));
            if (transition.enters()) {
                settle(tx, tx, transition.transaction());
            }
        }
        return due.size() == chunk;
    }

    /** An operator sets a FAILED transaction aside; anything else is left as it is. */
    void discard(String transactionId, String by) {
        TrackedTransaction current = find(transactionId);
        Transition transition = next(current, new Discarded(by));
        if (transition.enters()) {
            enter(current, null, transition.transaction());
        }
    }

    /** The first answer to an Idempotency-Key's write: it completes the key's entry, whichever came first. */
    void answered(String transactionId, byte[] entry) {
        idempotencyKeys.put(transactionId, entry);
    }

    /**
     * A record that could not be read: the transaction its headers name, if this site has one waiting for it (or, for
     * a command, has none yet), is FAILED with the reason.
     */
    UnreadableRecord.Fate unreadable(UnreadableRecord record) {
        if (record.transactionId() == null || record.site() != null && !isOurs(record.site())) {
            return UnreadableRecord.Fate.UNATTRIBUTED;
        }
        TrackedTransaction current = find(record.transactionId());
        Transition transition = next(
                current,
                new Unreadable(
                        record.source(), record.transactionId(), record.offset(), record.timestamp(), record.reason()));
        if (!transition.enters()) {
            return UnreadableRecord.Fate.UNATTRIBUTED;
        }
        settle(current, current, transition.transaction());
        return UnreadableRecord.Fate.TRANSACTION_FAILED;
    }

    /**
     * Forgets, oldest first, up to {@code chunk} transactions settled longer than {@code retention} before now, and
     * the early outcomes that came as long ago and found no transaction since.
     */
    void expireSettled(long wallClockMs, Duration retention, int chunk) {
        long settledBefore = wallClockMs - retention.toMillis();
        Bytes upTo = settledKeyUpTo(settledBefore);
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> oldest = settledByTime.range(expiredBelow, upTo)) {
            while (oldest.hasNext() && due.size() < chunk) {
                due.add(oldest.next().key);
            }
        }
        // A full chunk may have left some due: the next sweep starts at the last one taken (deleted by then).
        expiredBelow = due.size() < chunk ? upTo : due.get(due.size() - 1);
        Expiry expiry = new Expiry(Instant.ofEpochMilli(settledBefore));
        for (Bytes key : due) {
            settledByTime.put(key, null);
            // An entry whose transaction has moved on since (a later attempt) only leaves the index; were it settled
            // again, its newer entry would count from then.
            String id = idAfter(key);
            TrackedTransaction tx = find(id);
            if (tx == null) {
                // An early outcome's entry: its command never came.
                earlyOutcomes.put(id, null);
                continue;
            }
            Transition transition = next(tx, expiry);
            if (transition.kind() == Transition.Kind.FORGETS) {
                forget(transition.transaction());
            }
        }
    }

    /**
     * An entry of the settle-time index. One below {@link #expiredBelow} (a settle time further back than the last
     * sweep's bound, which the clock does not give, but a time from elsewhere could) moves that bound down to it, so
     * that the next sweep finds it.
     */
    private void indexSettled(Bytes key) {
        settledByTime.put(key, NOTHING);
        if (expiredBelow != null && key.compareTo(expiredBelow) < 0) {
            expiredBelow = key;
        }
    }

    TrackedTransaction find(String id) {
        byte[] stored = transactions.get(id);
        return stored == null ? null : TrackedTransactionCodec.decode(stored);
    }

    private Transition next(TrackedTransaction current, TransactionEvent event) {
        return TransactionStateMachine.next(current, event, clock.get());
    }

    /**
     * Stores {@code tx} in the state it enters.
     *
     * @param stored what the stores hold for it now (null: nothing)
     * @param before the transaction whose operations are in the overlay (null: none are, it was not in flight)
     */
    private void enter(TrackedTransaction stored, TrackedTransaction before, TrackedTransaction tx) {
        switch (tx.state()) {
            case APPLIED -> applied(stored, tx);
            case VISIBLE, FAILED -> settle(stored, before, tx);
            default -> {
                store(stored, tx);
                entered.accept(tx);
            }
        }
    }

    private void applied(TrackedTransaction stored, TrackedTransaction applied) {
        Lsn commitLsn = applied.progress().commitLsn();
        if (commitLsn.compareTo(position(NEWEST_COMMIT)) > 0) {
            positions.put(NEWEST_COMMIT, commitLsn.asLong());
        }
        store(stored, applied);
        Transition visible = next(applied, new Replayed(replayedKnown()));
        if (visible.enters()) {
            entered.accept(applied);
            settle(applied, applied, visible.transaction());
        } else {
            appliedByLsn.put(lsnKey(commitLsn, applied.transactionId()), NOTHING);
            entered.accept(applied);
        }
    }

    /**
     * The furthest the replica is known to have replayed: the replay records taken in, or the position last seen by
     * whoever polls the replica, if that is further. The replay records come through Kafka behind everything that
     * arrived before them: with a backlog of outcomes in front of them, every outcome would wait for a replay record
     * to make it VISIBLE, where the replica has its commit already.
     */
    private Lsn replayedKnown() {
        Lsn taken = position(REPLAYED);
        Lsn seen = replayedSeen.get();
        return seen.compareTo(taken) > 0 ? seen : taken;
    }

    /**
     * {@code tx} leaves flight as {@code settled}: its operations leave the overlay.
     *
     * @param stored what the stores hold for it now
     * @param before the transaction whose operations are in the overlay (null: none are)
     */
    private void settle(TrackedTransaction stored, TrackedTransaction before, TrackedTransaction settled) {
        store(stored, settled);
        if (before != null && before.latest().sequence() >= 0) {
            List<Operation> operations = before.latest().operations();
            for (int i = 0; i < operations.size(); i++) {
                overlay.put(
                        overlayKey(
                                operations.get(i).getRecordId(), before.latest().sequence(), i),
                        null);
            }
        }
        entered.accept(settled);
    }

    /**
     * Deletes everything stored for {@code tx} (a tombstone in each changelog): after this its id is unknown here. A
     * settled transaction has nothing left in the overlay or the LSN index (settling took it out of both).
     * Another component that keeps something per transaction in these stores deletes it here.
     *
     * @param tx the transaction as the stores hold it
     */
    private void forget(TrackedTransaction tx) {
        transactions.put(tx.transactionId(), null);
        // Its Idempotency-Key is kept exactly as long as its status (a retry after that is deduplicated at Cologne).
        idempotencyKeys.put(tx.transactionId(), null);
        byState.put(stateKey(tx.state(), tx.transactionId()), null);
        count(tx.state(), -1);
    }

    private Lsn position(String name) {
        Long value = positions.get(name);
        return value == null ? Lsn.INVALID : Lsn.valueOf(value);
    }

    /**
     * Every change goes through here, so the state index and counts stay in step with the transactions: the index has
     * one key for each stored transaction, in its stored state, and so it is written without being read. Each read
     * of a store of a million keys is a search of its files (most of them not in the cache), and a delete reads
     * before it writes: at a million in flight these reads took most of the stream thread's time.
     *
     * @param stored what the stores hold for it now (null: nothing), as read by the caller
     */
    private void store(TrackedTransaction stored, TrackedTransaction tx) {
        transactions.put(tx.transactionId(), TrackedTransactionCodec.encode(tx));
        if (tx.state().isExpirable()) {
            indexSettled(settledKey(TransactionStateMachine.settledAt(tx).toEpochMilli(), tx.transactionId()));
        }
        if (stored != null && stored.state() == tx.state()) {
            return;
        }
        if (stored != null) {
            byState.put(stateKey(stored.state(), stored.transactionId()), null);
            count(stored.state(), -1);
        }
        byState.put(stateKey(tx.state(), tx.transactionId()), NOTHING);
        count(tx.state(), 1);
    }

    private void count(TransactionState state, long delta) {
        Long count = positions.get(countKey(state));
        positions.put(countKey(state), (count == null ? 0 : count) + delta);
    }

    private void addToOverlay(TrackedTransaction tx) {
        List<Operation> operations = tx.latest().operations();
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            overlay.put(
                    overlayKey(op.getRecordId(), tx.latest().sequence(), i),
                    TrackedTransactionCodec.encodeOperation(tx.transactionId(), op));
        }
    }

    /** The transaction id at the end of an LSN or settle-time key. */
    private static String idAfter(Bytes key) {
        return new String(key.get(), Long.BYTES, key.get().length - Long.BYTES, StandardCharsets.UTF_8);
    }

    static String countKey(TransactionState state) {
        return "count." + state.name();
    }

    /** All of one record's overlay keys start with this. */
    static Bytes overlayPrefix(String recordId) {
        byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(id.length + 1).put(id).put(SEPARATOR).array());
    }

    static Bytes overlayKey(String recordId, long sequence, int index) {
        byte[] id = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(id.length + 1 + Long.BYTES + Integer.BYTES)
                .put(id)
                .put(SEPARATOR)
                .putLong(sequence)
                .putInt(index)
                .array());
    }

    /** Big-endian, compared unsigned byte by byte: LSN order. */
    static Bytes lsnKey(Lsn lsn, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length)
                .putLong(lsn.asLong())
                .put(id)
                .array());
    }

    /** Above every key of a transaction committed at or before {@code lsn} (ids are ASCII). */
    static Bytes lsnUpTo(Lsn lsn) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + 1)
                .putLong(lsn.asLong())
                .put((byte) 0xFF)
                .array());
    }

    /** Settle time (epoch ms, big-endian: time order for times after 1970), transaction id. */
    static Bytes settledKey(long settledAtMs, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length)
                .putLong(settledAtMs)
                .put(id)
                .array());
    }

    /** Below every key of a transaction settled at or after {@code settledAtMs}, above every earlier one. */
    static Bytes settledKeyUpTo(long settledAtMs) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(settledAtMs).array());
    }

    /** State code ({@link TransactionState#code()}), transaction id: a state's transactions in id order. */
    static Bytes stateKey(TransactionState state, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(
                ByteBuffer.allocate(1 + id.length).put(state.code()).put(id).array());
    }
}
