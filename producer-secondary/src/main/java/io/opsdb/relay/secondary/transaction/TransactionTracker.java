package io.opsdb.relay.secondary.transaction;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import org.springframework.stereotype.Component;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;

/**
 * The state machine of this site's transactions, BUFFERED -> APPLIED(commit LSN) -> VISIBLE or FAILED,
 * and the in-flight overlay that reads merge on top of the replica.
 *
 * <p>A transaction becomes VISIBLE only when the replica's replay position has reached its commit LSN, so
 * a read of the replica after that finds it; until then its operations stay in the overlay. The overlay
 * is always a suffix of the site's order (an earlier commit has a lower LSN), which makes replaying it on
 * top of any replica state read after it was taken give the same result: no flicker.
 */
@Component
public class TransactionTracker {

    /** Outcomes that outran the acknowledgement of their command; bounded, oldest dropped first. */
    private static final int EARLY_OUTCOMES = 10_000;

    private final Clock clock;
    private final Map<String, TrackedTransaction> byId = new ConcurrentHashMap<>();
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

    public TransactionTracker() {
        this(Clock.systemUTC());
    }

    TransactionTracker(Clock clock) {
        this.clock = clock;
    }

    /** A command was acknowledged by the local broker at {@code sequence} (its offset). */
    public synchronized TrackedTransaction acknowledged(String transactionId, long sequence, int attempt,
            List<Operation> operations, Instant acknowledgedAt) {
        TrackedTransaction tx = new TrackedTransaction(transactionId, sequence, attempt, operations,
                TransactionState.BUFFERED, acknowledgedAt, null, null, null, null);
        byId.put(transactionId, tx);
        inFlight.put(sequence, tx);
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            overlayByRecord.computeIfAbsent(op.getRecordId(), id -> new ConcurrentSkipListMap<>())
                    .put(new OverlayKey(sequence, i), op);
        }
        TransactionOutcome early = earlyOutcomes.remove(transactionId);
        if (early != null) {
            outcome(early);
        }
        return byId.get(transactionId);
    }

    /** The main site's verdict, read from the mirrored outcome stream; repeated deliveries are harmless. */
    public synchronized void outcome(TransactionOutcome outcome) {
        TrackedTransaction tx = byId.get(outcome.getTransactionId());
        if (tx == null) {
            earlyOutcomes.put(outcome.getTransactionId(), outcome);
            return;
        }
        if (tx.state() != TransactionState.BUFFERED || outcome.getAttempt() < tx.attempt()) {
            return;
        }
        if (outcome.getStatus() == OutcomeStatus.FAILED) {
            settle(tx.failed(clock.instant(), outcome.getError()));
            return;
        }
        markApplied(tx, Lsn.valueOf(outcome.getCommitLsn()));
    }

    /**
     * A transaction this site wrote straight to the primary (not buffered): committed there at
     * {@code commitLsn}, visible here once the replica has replayed it.
     */
    public synchronized TrackedTransaction appliedDirectly(String transactionId, List<Operation> operations, Lsn commitLsn,
            Instant acceptedAt) {
        TrackedTransaction tx = new TrackedTransaction(transactionId, -1, 1, operations, TransactionState.BUFFERED,
                acceptedAt, null, null, null, null);
        byId.put(transactionId, tx);
        markApplied(tx, commitLsn);
        return byId.get(transactionId);
    }

    private void markApplied(TrackedTransaction tx, Lsn commitLsn) {
        if (commitLsn.compareTo(newestCommit) > 0) {
            newestCommit = commitLsn;
        }
        TrackedTransaction applied = tx.applied(commitLsn, clock.instant());
        byId.put(applied.transactionId(), applied);
        if (applied.sequence() >= 0) {
            inFlight.put(applied.sequence(), applied);
        }
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
        byId.put(tx.transactionId(), tx);
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
        CompletableFuture<TrackedTransaction> waiter = settledWaiters.remove(tx.transactionId());
        if (waiter != null) {
            waiter.complete(tx);
        }
    }

    public Optional<TrackedTransaction> find(String transactionId) {
        return Optional.ofNullable(byId.get(transactionId));
    }

    /** Completes when the transaction is VISIBLE or FAILED (at once if it already is). */
    public synchronized CompletableFuture<TrackedTransaction> whenSettled(String transactionId) {
        TrackedTransaction tx = byId.get(transactionId);
        if (tx != null && tx.state().isSettled()) {
            return CompletableFuture.completedFuture(tx);
        }
        return settledWaiters.computeIfAbsent(transactionId, id -> new CompletableFuture<>());
    }

    /** The in-flight operations on one record, in the site's order. Take it before reading the replica. */
    public List<Operation> inFlightOperations(String recordId) {
        NavigableMap<OverlayKey, Operation> ops = overlayByRecord.get(recordId);
        return ops == null ? List.of() : new ArrayList<>(ops.values());
    }

    /** Transactions not yet VISIBLE or FAILED. */
    public int inFlightCount() {
        return inFlight.size();
    }

    public Lsn replayedPosition() {
        return replayed;
    }

    /** Bytes of WAL between the newest commit this site has heard of and what its replica has replayed. */
    public long replicaLagBytes() {
        Lsn newest = newestCommit;
        Lsn replay = replayed;
        return newest.compareTo(replay) > 0 ? newest.asLong() - replay.asLong() : 0L;
    }

    /** How long the oldest transaction still in flight has been; zero when none is. */
    public java.time.Duration oldestInFlightAge() {
        Map.Entry<Long, TrackedTransaction> oldest = inFlight.firstEntry();
        return oldest == null ? java.time.Duration.ZERO
                : java.time.Duration.between(oldest.getValue().acknowledgedAt(), clock.instant());
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
