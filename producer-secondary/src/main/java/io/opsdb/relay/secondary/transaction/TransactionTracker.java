package io.opsdb.relay.secondary.transaction;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;

/**
 * The state machine of this site's transactions, BUFFERED -> APPLIED(commit LSN) -> VISIBLE, or FAILED ->
 * retried (BUFFERED) or DISCARDED, and the in-flight overlay that reads merge on top of the replica.
 *
 * <p>A transaction becomes VISIBLE only when the replica's replay position has reached its commit LSN, so
 * a read of the replica after that finds it; until then its operations stay in the overlay. The overlay
 * is always a suffix of the site's order (an earlier commit has a lower LSN), which makes replaying it on
 * top of any replica state read after it was taken give the same result: no flicker.
 *
 * <p>A FAILED transaction waits for an operator: retried, it is BUFFERED again as a new attempt at the end
 * of the site's order; discarded, it is DISCARDED for good. On the heap, every transaction stays queryable by id and
 * by state for as long as this process runs; in the state stores, a VISIBLE or DISCARDED one is forgotten (its
 * status answers 404) once TRANSACTION_STATUS_RETENTION has passed since it settled.
 *
 * <p>With TRANSACTION_STATE_STORE on, the transactions buffered here live in the state stores of
 * {@link TransactionStateStreams} instead (on disk, rebuilt from Kafka after a restart) and this class reads
 * them there. Only two things stay on the heap: the transactions acknowledged but not yet processed into the
 * stores (so the answer to a write and an immediate read agree; each leaves as soon as the processor has it),
 * and the writes this site made straight to the primary.
 */
@Component
public class TransactionTracker {

    /** Outcomes that outran the acknowledgement of their command; bounded, oldest dropped first. */
    private static final int EARLY_OUTCOMES = 10_000;
    /** How long an operator's discard waits for the stores' processor before it answers anyway. */
    private static final java.time.Duration DISCARD_TIMEOUT = java.time.Duration.ofSeconds(10);
    /** How many transactions of each in-flight state the age metric looks at when the stores hold them. */
    private static final int AGE_SCAN_LIMIT = 10_000;
    /** How long one look for the oldest transaction in the stores is reused. */
    private static final java.time.Duration OLDEST_LOOK_INTERVAL = java.time.Duration.ofSeconds(5);

    private final Clock clock;
    private final Map<String, TrackedTransaction> byId = new ConcurrentHashMap<>();
    /** The same transactions by state, each in transaction id order: lists page through these, never all of byId. */
    private final Map<TransactionState, NavigableMap<String, TrackedTransaction>> byState = new EnumMap<>(TransactionState.class);
    /** Their sizes: a skip list counts its entries one by one. */
    private final Map<TransactionState, AtomicInteger> stateCounts = new EnumMap<>(TransactionState.class);
    private final NavigableMap<Long, TrackedTransaction> inFlight = new ConcurrentSkipListMap<>();
    private final Map<String, NavigableMap<OverlayKey, Operation>> overlayByRecord = new ConcurrentHashMap<>();
    private final PriorityQueue<TrackedTransaction> awaitingReplay =
            new PriorityQueue<>(Comparator.comparing(TrackedTransaction::commitLsn));
    private final Map<String, CompletableFuture<TrackedTransaction>> settledWaiters = new ConcurrentHashMap<>();
    private final Map<String, TransactionOutcome> earlyOutcomes = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TransactionOutcome> eldest) {
            return size() > EARLY_OUTCOMES;
        }
    };
    private volatile Lsn replayed = Lsn.INVALID;
    private volatile Lsn newestCommit = Lsn.INVALID;
    private final java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    private final List<TransactionListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The state stores, when they hold the buffered transactions; null when the heap does. */
    private final TransactionStateStreams durable;
    /** Acknowledged (or retried) here, not yet in the stores: read-your-writes until the processor catches up. */
    private final Map<String, TrackedTransaction> pending = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TrackedTransaction>> discardWaiters = new ConcurrentHashMap<>();
    private volatile OldestLook oldestLook;
    private final Object oldestLookLock = new Object();

    public TransactionTracker() {
        this(Clock.systemUTC());
    }

    @Autowired
    public TransactionTracker(TransactionStateStreams stateStreams) {
        this(Clock.systemUTC(), stateStreams.isEnabled() ? stateStreams : null);
    }

    TransactionTracker(Clock clock) {
        this(clock, null);
    }

    TransactionTracker(Clock clock, TransactionStateStreams durable) {
        this.clock = clock;
        this.durable = durable;
        if (durable != null) {
            durable.onEntered(this::processed);
        }
        for (TransactionState state : TransactionState.values()) {
            byState.put(state, new ConcurrentSkipListMap<>());
            stateCounts.put(state, new AtomicInteger());
        }
    }

    /** Tells {@code listener} of every state a transaction enters from now on. */
    public void addListener(TransactionListener listener) {
        listeners.add(listener);
    }

    private void entered(TrackedTransaction tx) {
        for (TransactionListener listener : listeners) {
            listener.entered(tx);
        }
    }

    /** A command was acknowledged by the local broker at {@code sequence} (its offset). */
    public synchronized TrackedTransaction acknowledged(String transactionId, long sequence, int attempt,
            List<Operation> operations, Instant acknowledgedAt) {
        TrackedTransaction tx = new TrackedTransaction(transactionId, sequence, attempt, operations,
                TransactionState.BUFFERED, acknowledgedAt, null, null, null, null);
        if (durable != null) {
            return awaitProcessing(tx);
        }
        store(tx);
        inFlight.put(sequence, tx);
        entered(tx);
        addToOverlay(tx);
        TransactionOutcome early = earlyOutcomes.remove(transactionId);
        if (early != null) {
            outcome(early);
        }
        return byId.get(transactionId);
    }

    /** The main site's verdict, read from the mirrored outcome stream; repeated deliveries are harmless. */
    public synchronized void outcome(TransactionOutcome outcome) {
        if (durable != null) {
            // The stores' processor reads the outcomes itself.
            return;
        }
        TrackedTransaction tx = byId.get(outcome.getTransactionId());
        if (tx == null) {
            earlyOutcomes.put(outcome.getTransactionId(), outcome);
            return;
        }
        if (outcome.getAttempt() > tx.attempt()) {
            // Retried elsewhere (by an operator at the main site) after this attempt failed: the later
            // attempt's outcome is the truth.
            tx = tx.following(outcome.getAttempt());
        }
        else if (tx.state() != TransactionState.BUFFERED || outcome.getAttempt() < tx.attempt()) {
            return;
        }
        if (outcome.getStatus() == OutcomeStatus.FAILED) {
            settle(tx.failed(clock.instant(), outcome.getError()));
            return;
        }
        markApplied(tx, Lsn.valueOf(outcome.getCommitLsn()));
    }

    /**
     * An outcome read from the replica's ledger because the outcome stream had not brought it: taken as the
     * stream's would be (the processor's, when the stores hold the transactions), so whichever comes first wins.
     */
    public void reconciled(TransactionOutcome outcome) {
        if (durable != null) {
            durable.reconciled(outcome);
            return;
        }
        outcome(outcome);
    }

    /**
     * A transaction this site wrote straight to the primary (not buffered): committed there at
     * {@code commitLsn}, visible here once the replica has replayed it.
     */
    public synchronized TrackedTransaction appliedDirectly(String transactionId, List<Operation> operations, Lsn commitLsn,
            Instant acceptedAt) {
        TrackedTransaction tx = new TrackedTransaction(transactionId, -1, 1, operations, TransactionState.BUFFERED,
                acceptedAt, null, null, null, null);
        store(tx);
        markApplied(tx, commitLsn);
        return byId.get(transactionId);
    }

    private void markApplied(TrackedTransaction tx, Lsn commitLsn) {
        if (commitLsn.compareTo(newestCommit) > 0) {
            newestCommit = commitLsn;
        }
        TrackedTransaction applied = tx.applied(commitLsn, clock.instant());
        store(applied);
        // Only a transaction buffered here is in flight (not a direct write, nor one retried elsewhere).
        inFlight.replace(applied.sequence(), applied);
        entered(applied);
        if (applied.commitLsn().isAtOrBefore(replayed)) {
            settle(applied.visible(clock.instant()));
        }
        else {
            awaitingReplay.add(applied);
        }
    }

    /** The replica has replayed the WAL up to {@code position}: every APPLIED transaction at or below it is VISIBLE. */
    public synchronized void replayedUpTo(Lsn position) {
        if (position.compareTo(replayed) <= 0) {
            return;
        }
        replayed = position;
        if (durable != null) {
            durable.replayedUpTo(position);
        }
        Instant now = clock.instant();
        while (!awaitingReplay.isEmpty() && awaitingReplay.peek().commitLsn().isAtOrBefore(position)) {
            TrackedTransaction tx = awaitingReplay.poll();
            if (byId.get(tx.transactionId()) == tx) {
                settle(tx.visible(now));
            }
        }
    }

    private void settle(TrackedTransaction tx) {
        if (tx.state() == TransactionState.FAILED) {
            failed.incrementAndGet();
        }
        store(tx);
        TrackedTransaction removed = inFlight.remove(tx.sequence());
        if (removed != null) {
            for (int i = 0; i < removed.operations().size(); i++) {
                String recordId = removed.operations().get(i).getRecordId();
                NavigableMap<OverlayKey, Operation> ops = overlayByRecord.get(recordId);
                if (ops != null) {
                    ops.remove(new OverlayKey(tx.sequence(), i));
                    if (ops.isEmpty()) {
                        overlayByRecord.remove(recordId);
                    }
                }
            }
        }
        entered(tx);
        CompletableFuture<TrackedTransaction> waiter = settledWaiters.remove(tx.transactionId());
        if (waiter != null) {
            waiter.complete(tx);
        }
    }

    public Optional<TrackedTransaction> find(String transactionId) {
        TrackedTransaction direct = byId.get(transactionId);
        if (durable == null || direct != null) {
            return Optional.ofNullable(direct);
        }
        TrackedTransaction waiting = pending.get(transactionId);
        Optional<TrackedTransaction> stored = durable.view().find(transactionId);
        if (waiting != null && (stored.isEmpty() || stored.get().attempt() < waiting.attempt())) {
            return Optional.of(waiting);
        }
        return stored;
    }

    /** {@code tx} was acknowledged: readable at once, until the stores' processor has it. */
    private TrackedTransaction awaitProcessing(TrackedTransaction tx) {
        pending.put(tx.transactionId(), tx);
        // The processor may have been faster than this thread.
        durable.view().find(tx.transactionId()).ifPresent(this::processed);
        return tx;
    }

    /** The stores' processor moved {@code tx} into a state (on its stream thread). */
    private void processed(TrackedTransaction tx) {
        pending.computeIfPresent(tx.transactionId(), (id, waiting) -> waiting.attempt() <= tx.attempt() ? null : waiting);
        if (tx.state() == TransactionState.FAILED) {
            failed.incrementAndGet();
        }
        entered(tx);
        if (tx.state() == TransactionState.DISCARDED) {
            CompletableFuture<TrackedTransaction> waiter = discardWaiters.remove(tx.transactionId());
            if (waiter != null) {
                waiter.complete(tx);
            }
        }
        if (tx.state().isSettled()) {
            CompletableFuture<TrackedTransaction> waiter = settledWaiters.remove(tx.transactionId());
            if (waiter != null) {
                waiter.complete(tx);
            }
        }
    }

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page (a cursor), or null for the first page
     */
    public List<TrackedTransaction> list(TransactionState state, String afterTransactionId, int limit) {
        NavigableMap<String, TrackedTransaction> index = byState.get(state);
        NavigableMap<String, TrackedTransaction> page = afterTransactionId == null ? index : index.tailMap(afterTransactionId, false);
        if (durable == null) {
            return page.values().stream().limit(limit).toList();
        }
        // The direct writes, the not yet processed and the stored ones: each in id order, merged.
        // The not yet processed ones are read first: one the processor takes in between is then in the stores.
        List<TrackedTransaction> waitingNow = List.copyOf(pending.values());
        NavigableMap<String, TrackedTransaction> merged = new java.util.TreeMap<>();
        page.values().stream().limit(limit).forEach(tx -> merged.put(tx.transactionId(), tx));
        durable.view().list(state, afterTransactionId, limit).forEach(tx -> merged.putIfAbsent(tx.transactionId(), tx));
        for (TrackedTransaction waiting : waitingNow) {
            if (waiting.state() == state
                    && (afterTransactionId == null || waiting.transactionId().compareTo(afterTransactionId) > 0)) {
                merged.put(waiting.transactionId(), waiting);
            }
        }
        return merged.values().stream().filter(tx -> find(tx.transactionId()).map(TrackedTransaction::state)
                .orElse(null) == state).limit(limit).toList();
    }

    /** How many transactions are in {@code state} now. */
    public int count(TransactionState state) {
        int direct = stateCounts.get(state).get();
        if (durable == null) {
            return direct;
        }
        int waiting = state == TransactionState.BUFFERED ? pending.size() : 0;
        return direct + durable.view().count(state) + waiting;
    }

    /**
     * An operator sets a FAILED transaction aside: it becomes DISCARDED, and nothing more happens to it here.
     *
     * @return the transaction, DISCARDED; empty when there is no such transaction
     * @throws TransactionActionRefusedException when it is not FAILED
     */
    public synchronized Optional<TrackedTransaction> discard(String transactionId, String by) {
        if (durable != null && !byId.containsKey(transactionId)) {
            return discardStored(transactionId, by);
        }
        TrackedTransaction tx = byId.get(transactionId);
        if (tx == null) {
            return Optional.empty();
        }
        if (!tx.state().acceptsOperatorAction()) {
            throw new TransactionActionRefusedException(tx, "discarded");
        }
        TrackedTransaction discarded = tx.setAside(new OperatorAction(by, clock.instant()));
        store(discarded);
        entered(discarded);
        return Optional.of(discarded);
    }

    /** The processor is the stores' single writer: it is asked to discard, and the answer waits for it. */
    private Optional<TrackedTransaction> discardStored(String transactionId, String by) {
        Optional<TrackedTransaction> found = find(transactionId);
        if (found.isEmpty()) {
            return found;
        }
        if (!found.get().state().acceptsOperatorAction()) {
            throw new TransactionActionRefusedException(found.get(), "discarded");
        }
        CompletableFuture<TrackedTransaction> done = discardWaiters.computeIfAbsent(transactionId,
                id -> new CompletableFuture<>());
        durable.discard(transactionId, by);
        try {
            return Optional.of(done.get(DISCARD_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // Asked for and on its way: the stores will show it DISCARDED once the processor gets to it.
            return Optional.of(found.get().setAside(new OperatorAction(by, clock.instant())));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(found.get().setAside(new OperatorAction(by, clock.instant())));
        }
    }

    /**
     * An operator's retry of a FAILED transaction was acknowledged by the local broker as {@code attempt} at
     * {@code sequence}: it is BUFFERED again, in flight at its new place in the site's order.
     */
    public synchronized TrackedTransaction retried(String transactionId, long sequence, int attempt, String by) {
        TrackedTransaction tx = durable == null ? byId.get(transactionId) : find(transactionId).orElse(null);
        if (tx == null) {
            throw new IllegalStateException("transaction " + transactionId + " was retried but is not tracked");
        }
        OperatorAction retry = new OperatorAction(by, clock.instant());
        if (tx.attempt() >= attempt && durable != null) {
            // The processor already has this attempt (it read the retry's command, and its header, before this
            // thread got here): the stores are the truth, and a copy kept here would hide what happens next.
            return tx;
        }
        if (tx.attempt() >= attempt) {
            // The outcome of this attempt outran its acknowledgement: the transaction already follows it.
            TrackedTransaction noted = tx.withRetry(retry);
            store(noted);
            return noted;
        }
        TrackedTransaction again = tx.retryAs(sequence, attempt, retry);
        if (durable != null) {
            return awaitProcessing(again);
        }
        store(again);
        inFlight.put(sequence, again);
        entered(again);
        addToOverlay(again);
        return again;
    }

    /** Every change of a transaction goes through here, so the state index stays in step with byId. */
    private void store(TrackedTransaction tx) {
        TrackedTransaction previous = byId.put(tx.transactionId(), tx);
        if (previous != null && byState.get(previous.state()).remove(previous.transactionId()) != null) {
            stateCounts.get(previous.state()).decrementAndGet();
        }
        if (byState.get(tx.state()).put(tx.transactionId(), tx) == null) {
            stateCounts.get(tx.state()).incrementAndGet();
        }
    }

    private void addToOverlay(TrackedTransaction tx) {
        for (int i = 0; i < tx.operations().size(); i++) {
            Operation op = tx.operations().get(i);
            overlayByRecord.computeIfAbsent(op.getRecordId(), id -> new ConcurrentSkipListMap<>())
                    .put(new OverlayKey(tx.sequence(), i), op);
        }
    }

    /** Completes when the transaction is VISIBLE, FAILED or DISCARDED (at once if it already is). */
    public synchronized CompletableFuture<TrackedTransaction> whenSettled(String transactionId) {
        TrackedTransaction tx = byId.get(transactionId);
        if (tx != null && tx.state().isSettled()) {
            return CompletableFuture.completedFuture(tx);
        }
        CompletableFuture<TrackedTransaction> waiter = settledWaiters.computeIfAbsent(transactionId,
                id -> new CompletableFuture<>());
        if (durable != null && tx == null) {
            // Registered first, then checked: a settlement on the stream thread in between is not missed.
            find(transactionId).filter(found -> found.state().isSettled()).ifPresent(settled -> {
                settledWaiters.remove(transactionId, waiter);
                waiter.complete(settled);
            });
        }
        return waiter;
    }

    /** The in-flight operations on one record, in the site's order. Take it before reading the replica. */
    public List<Operation> inFlightOperations(String recordId) {
        NavigableMap<OverlayKey, Operation> ops = overlayByRecord.get(recordId);
        if (durable == null) {
            return ops == null ? List.of() : new ArrayList<>(ops.values());
        }
        // The not yet processed ones first: one the processor takes in between is then read from the stores, not
        // missed in both. One it also settles in between is in the replica already, where replaying it changes nothing.
        NavigableMap<OverlayKey, Operation> merged = new java.util.TreeMap<>();
        for (TrackedTransaction waiting : List.copyOf(pending.values())) {
            for (int i = 0; i < waiting.operations().size(); i++) {
                if (waiting.operations().get(i).getRecordId().equals(recordId)) {
                    merged.put(new OverlayKey(waiting.sequence(), i), waiting.operations().get(i));
                }
            }
        }
        for (TransactionStateView.SequencedOperation stored : durable.view().inFlightSequencedOperations(recordId)) {
            merged.put(new OverlayKey(stored.sequence(), stored.index()), stored.operation());
        }
        return new ArrayList<>(merged.values());
    }

    /** The records of one entity that have operations in flight (for merged lists). */
    public java.util.Set<String> inFlightRecordIds(io.opsdb.relay.schema.EntityType entity) {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Map.Entry<String, NavigableMap<OverlayKey, Operation>> record : overlayByRecord.entrySet()) {
            Map.Entry<OverlayKey, Operation> first = record.getValue().firstEntry();
            if (first != null && first.getValue().getEntity() == entity) {
                ids.add(record.getKey());
            }
        }
        if (durable != null) {
            // The not yet processed ones first, as in inFlightOperations.
            List.copyOf(pending.values()).forEach(waiting -> waiting.operations().stream()
                    .filter(op -> op.getEntity() == entity).forEach(op -> ids.add(op.getRecordId())));
            ids.addAll(durable.view().inFlightRecordIds(entity));
        }
        return ids;
    }

    /** Transactions not yet VISIBLE or FAILED. */
    public int inFlightCount() {
        return durable == null ? inFlight.size() : durable.view().inFlightCount() + pending.size();
    }

    public Lsn replayedPosition() {
        return replayed;
    }

    /** Bytes of WAL between the newest commit this site has heard of and what its replica has replayed. */
    public long replicaLagBytes() {
        Lsn newest = newestCommit;
        if (durable != null && durable.view().newestCommit().compareTo(newest) > 0) {
            newest = durable.view().newestCommit();
        }
        Lsn replay = replayed;
        return newest.compareTo(replay) > 0 ? newest.asLong() - replay.asLong() : 0L;
    }

    /** How long the oldest transaction still in flight has been; zero when none is. */
    public java.time.Duration oldestInFlightAge() {
        if (durable != null) {
            return oldestStoredInFlightAge();
        }
        Map.Entry<Long, TrackedTransaction> oldest = inFlight.firstEntry();
        return oldest == null ? java.time.Duration.ZERO
                : java.time.Duration.between(oldest.getValue().acknowledgedAt(), clock.instant());
    }

    /**
     * The stores index transactions by state, not by age: a bounded look at each in-flight state, taken at most
     * once per {@link #OLDEST_LOOK_INTERVAL} (health checks, metric scrapes and buffer reads all ask for it, and
     * each look reads thousands of entries).
     */
    private java.time.Duration oldestStoredInFlightAge() {
        OldestLook look = oldestLook;
        if (isStale(look)) {
            // One look at a time: callers arriving meanwhile take the one it makes.
            synchronized (oldestLookLock) {
                look = oldestLook;
                if (isStale(look)) {
                    look = new OldestLook(lookForOldestStored(), System.nanoTime());
                    oldestLook = look;
                }
            }
        }
        return look.oldest() == null ? java.time.Duration.ZERO : java.time.Duration.between(look.oldest(), clock.instant());
    }

    private static boolean isStale(OldestLook look) {
        return look == null || System.nanoTime() - look.takenAtNanos() > OLDEST_LOOK_INTERVAL.toNanos();
    }

    private Instant lookForOldestStored() {
        Instant oldest = null;
        for (TransactionState state : List.of(TransactionState.BUFFERED, TransactionState.APPLIED)) {
            for (TrackedTransaction tx : durable.view().list(state, null, AGE_SCAN_LIMIT)) {
                if (oldest == null || tx.acknowledgedAt().isBefore(oldest)) {
                    oldest = tx.acknowledgedAt();
                }
            }
        }
        for (TrackedTransaction tx : pending.values()) {
            if (oldest == null || tx.acknowledgedAt().isBefore(oldest)) {
                oldest = tx.acknowledgedAt();
            }
        }
        return oldest;
    }

    /** The oldest in-flight acknowledgement a look found (null: none in flight), and when it looked. */
    private record OldestLook(Instant oldest, long takenAtNanos) {
    }

    /** Transactions that ended FAILED since this process started. */
    public int failedCount() {
        return failed.get();
    }

    private record OverlayKey(long sequence, int index) implements Comparable<OverlayKey> {
        @Override
        public int compareTo(OverlayKey o) {
            int bySequence = Long.compare(sequence, o.sequence);
            return bySequence != 0 ? bySequence : Integer.compare(index, o.index);
        }
    }
}
