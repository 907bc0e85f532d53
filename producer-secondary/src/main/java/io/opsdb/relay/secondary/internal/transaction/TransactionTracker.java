package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Discarded;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * This site's transactions, BUFFERED -> APPLIED(commit LSN) -> VISIBLE, or FAILED -> retried (BUFFERED) or DISCARDED
 * ({@link TransactionStateMachine}), and the in-flight overlay that reads merge on top of the replica.
 *
 * <p>A transaction becomes VISIBLE only when the replica's replay position has reached its commit LSN, so
 * a read of the replica after that finds it; until then its operations stay in the overlay. The overlay
 * is always a suffix of the site's order (an earlier commit has a lower LSN), which makes replaying it on
 * top of any replica state read after it was taken give the same result: no flicker.
 *
 * <p>A FAILED transaction waits for an operator: retried, it is BUFFERED again as a new attempt at the end
 * of the site's order; discarded, it is DISCARDED for good. In the state stores a VISIBLE or DISCARDED one is forgotten
 * (its status answers 404) once TRANSACTION_STATUS_RETENTION has passed since it settled; on the heap every transaction
 * stays queryable for as long as this process runs.
 *
 * <p>The buffered transactions live in {@link BufferedTransactions}: the state stores of {@link TransactionStateStreams}
 * (TRANSACTION_STATE_STORE on: on disk, rebuilt from Kafka after a restart), or the heap. Two things more are kept on
 * the heap here: the transactions acknowledged but not yet applied by the stores (so the answer to a write and an
 * immediate read agree; each leaves as soon as the store has it), and the writes this site made straight to the
 * primary.
 */
@Component
public class TransactionTracker {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionTracker.class);

    /** How long an operator's discard waits for the stores' processor before it answers anyway. */
    private static final Duration DISCARD_TIMEOUT = Duration.ofSeconds(10);
    /** How many transactions of each in-flight state the age metric looks at. */
    private static final int AGE_SCAN_LIMIT = 10_000;
    /** How long one look for the oldest transaction in flight is reused. */
    private static final Duration OLDEST_LOOK_INTERVAL = Duration.ofSeconds(5);

    private final Clock clock;
    private final BufferedTransactions buffered;
    /** The writes this site made straight to the primary: only their visibility is tracked. */
    private final HeapTransactions direct;
    /** Acknowledged (or retried) here, not yet in the store: read-your-writes until it catches up. */
    private final PendingTransactions pending = new PendingTransactions();

    private final Map<String, CompletableFuture<TrackedTransaction>> settledWaiters = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<TrackedTransaction>> discardWaiters = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final List<TransactionListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Lsn replayed = Lsn.INVALID;
    private volatile OldestLook oldestLook;
    private final Object oldestLookLock = new Object();

    /** A tracker on the heap that takes every site's outcomes and logs the records it cannot read (tests). */
    public TransactionTracker() {
        this(Clock.systemUTC());
    }

    /** This site's tracker: in the state stores when TRANSACTION_STATE_STORE is on, else on the heap. */
    @Autowired
    public TransactionTracker(
            SiteConfiguration settings, TransactionStateStreams stateStreams, DeadLetterTopic deadLetters) {
        this(
                Clock.systemUTC(),
                settings.siteName(),
                stateStreams.isEnabled()
                        ? stateStreams.transactions()
                        : new HeapTransactions(settings.siteName(), Clock.systemUTC(), deadLetters::publish));
    }

    TransactionTracker(Clock clock) {
        this(clock, null, new HeapTransactions(null, clock, TransactionTracker::logOnly));
    }

    TransactionTracker(Clock clock, String site, BufferedTransactions buffered) {
        this.clock = clock;
        this.buffered = buffered;
        this.direct = new HeapTransactions(site, clock, TransactionTracker::logOnly);
        buffered.listen(this::processed, this::unreadable);
        direct.listen(this::processed, this::unreadable);
    }

    private static void logOnly(UnreadableRecord record) {
        LOG.error(
                "No dead-letter topic here: unreadable record {}-{}@{} dropped",
                record.topic(),
                record.partition(),
                record.offset());
    }

    /** Tells {@code listener} of every state a transaction enters from now on, and of every record set aside. */
    public void addListener(TransactionListener listener) {
        listeners.add(listener);
    }

    /**
     * A command was acknowledged by the local broker at {@code sequence} (its offset). Not under the tracker's lock:
     * every write of the site comes through here, and with the lock each waited for the others' store reads (the
     * benchmark's HTTP threads spent most of their time blocked on it). The buffered transactions are safe on their
     * own, and the copy kept until the store has the transaction is in a concurrent map.
     */
    public TrackedTransaction acknowledged(
            String transactionId, long sequence, int attempt, List<Operation> operations, Instant acknowledgedAt) {
        TrackedTransaction tx =
                TrackedTransaction.buffered(transactionId, sequence, attempt, operations, acknowledgedAt);
        pending.put(tx);
        buffered.acknowledged(new Buffered(transactionId, sequence, attempt, operations, acknowledgedAt, null));
        return storedAfter(tx).orElse(tx);
    }

    /** The main site's verdict, read from the mirrored outcome stream; repeated deliveries are harmless. */
    public synchronized void outcome(TransactionOutcome outcome) {
        if (direct.view().find(outcome.getTransactionId()).isEmpty()) {
            // A direct write's own outcome tells nothing its commit did not.
            buffered.outcome(outcome);
        }
    }

    /**
     * A record on the mirrored outcome stream that could not be read: set aside as a dead letter, and the transaction
     * its headers name, if one is waiting for its outcome here, FAILED with the reason.
     */
    public synchronized void unreadableOutcome(UnreadableRecord record) {
        buffered.unreadableOutcome(record);
    }

    /**
     * An outcome read from the replica's ledger because the outcome stream had not brought it: taken as the
     * stream's would be, so whichever comes first wins.
     */
    public void reconciled(TransactionOutcome outcome) {
        buffered.reconciled(outcome);
    }

    /**
     * A transaction this site wrote straight to the primary (not buffered): committed there at
     * {@code commitLsn}, visible here once the replica has replayed it.
     */
    public synchronized TrackedTransaction appliedDirectly(
            String transactionId, List<Operation> operations, Lsn commitLsn, Instant acceptedAt) {
        direct.appliedDirectly(new AppliedDirectly(transactionId, operations, commitLsn, acceptedAt));
        return find(transactionId).orElseThrow();
    }

    /** The replica has replayed the WAL up to {@code position}: every APPLIED transaction at or below it is VISIBLE. */
    public synchronized void replayedUpTo(Lsn position) {
        if (position.compareTo(replayed) <= 0) {
            return;
        }
        replayed = position;
        buffered.replayedUpTo(position);
        direct.replayedUpTo(position);
    }

    public Optional<TrackedTransaction> find(String transactionId) {
        Optional<TrackedTransaction> written = direct.view().find(transactionId);
        if (written.isPresent()) {
            return written;
        }
        TrackedTransaction waiting = pending.get(transactionId);
        Optional<TrackedTransaction> stored = buffered.view().find(transactionId);
        if (waiting != null && (stored.isEmpty() || stored.get().attempt() < waiting.attempt())) {
            return Optional.of(waiting);
        }
        return stored;
    }

    /**
     * {@code tx} as the store has it, when it has it already (it may have been faster than this thread): then the copy
     * is let go of. One read of the store.
     */
    private Optional<TrackedTransaction> storedAfter(TrackedTransaction tx) {
        Optional<TrackedTransaction> stored =
                buffered.view().find(tx.transactionId()).filter(found -> found.attempt() >= tx.attempt());
        stored.ifPresent(found -> pending.removeIf(tx.transactionId(), waiting -> waiting == tx));
        return stored;
    }

    /** A store moved {@code tx} into a state (on the stream thread, or on the caller's for the heap). */
    private void processed(TrackedTransaction tx) {
        pending.removeIf(tx.transactionId(), waiting -> waiting.attempt() <= tx.attempt());
        if (tx.state() == TransactionState.FAILED) {
            failed.incrementAndGet();
        }
        for (TransactionListener listener : listeners) {
            listener.entered(tx);
        }
        if (tx.state() == TransactionState.DISCARDED) {
            complete(discardWaiters, tx);
        }
        if (tx.state().isSettled()) {
            complete(settledWaiters, tx);
        }
    }

    private static void complete(Map<String, CompletableFuture<TrackedTransaction>> waiters, TrackedTransaction tx) {
        CompletableFuture<TrackedTransaction> waiter = waiters.remove(tx.transactionId());
        if (waiter != null) {
            waiter.complete(tx);
        }
    }

    private void unreadable(UnreadableRecord record, UnreadableRecord.Fate fate) {
        for (TransactionListener listener : listeners) {
            listener.unreadable(record, fate);
        }
    }

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page (a cursor), or null for the first page
     */
    public List<TrackedTransaction> list(TransactionState state, String afterTransactionId, int limit) {
        // The direct writes, the not yet applied and the stored ones: each in id order, merged. The not yet applied
        // ones are read first: one the store takes in between is then in the store.
        List<TrackedTransaction> waitingNow = pending.all();
        NavigableMap<String, TrackedTransaction> merged = new TreeMap<>();
        direct.view().list(state, afterTransactionId, limit).forEach(tx -> merged.put(tx.transactionId(), tx));
        buffered.view()
                .list(state, afterTransactionId, limit)
                .forEach(tx -> merged.putIfAbsent(tx.transactionId(), tx));
        for (TrackedTransaction waiting : waitingNow) {
            if (waiting.state() == state
                    && (afterTransactionId == null || waiting.transactionId().compareTo(afterTransactionId) > 0)) {
                merged.put(waiting.transactionId(), waiting);
                // Only the page's first ids are wanted: with a backlog in front of the processor, thousands wait.
                if (merged.size() > limit) {
                    merged.pollLastEntry();
                }
            }
        }
        return merged.values().stream()
                .filter(tx ->
                        find(tx.transactionId()).map(TrackedTransaction::state).orElse(null) == state)
                .limit(limit)
                .toList();
    }

    /** How many transactions are in {@code state} now. */
    public int count(TransactionState state) {
        int waiting = state == TransactionState.BUFFERED ? pending.size() : 0;
        return direct.view().count(state) + buffered.view().count(state) + waiting;
    }

    /**
     * An operator sets a FAILED transaction aside: it becomes DISCARDED, and nothing more happens to it here.
     *
     * @return the transaction, DISCARDED; empty when there is no such transaction
     * @throws TransactionActionRefusedException when it is not FAILED
     */
    public synchronized Optional<TrackedTransaction> discard(String transactionId, String by) {
        Optional<TrackedTransaction> found = find(transactionId);
        if (found.isEmpty()) {
            return found;
        }
        Transition decision = TransactionStateMachine.next(found.get(), new Discarded(by), clock.instant());
        if (!decision.enters()) {
            throw new TransactionActionRefusedException(found.get(), "discarded", decision.refusal());
        }
        // The store is asked to discard (the processor, when the stores hold it, is their single writer), and the
        // answer waits for it.
        CompletableFuture<TrackedTransaction> done =
                discardWaiters.computeIfAbsent(transactionId, id -> new CompletableFuture<>());
        buffered.discard(transactionId, by);
        try {
            return Optional.of(done.get(DISCARD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException | ExecutionException e) {
            // Asked for and on its way: the stores will show it DISCARDED once the processor gets to it.
            return Optional.of(decision.transaction());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(decision.transaction());
        }
    }

    /**
     * An operator's retry of a FAILED transaction was acknowledged by the local broker as {@code attempt} at
     * {@code sequence}: it is BUFFERED again, in flight at its new place in the site's order.
     */
    public synchronized TrackedTransaction retried(String transactionId, long sequence, int attempt, String by) {
        TrackedTransaction tx = find(transactionId)
                .orElseThrow(() ->
                        new IllegalStateException("transaction " + transactionId + " was retried but is not tracked"));
        TrackedTransaction again = null;
        if (tx.attempt() < attempt) {
            again = tx.retryAs(sequence, attempt, tx.latest().operations(), new OperatorAction(by, clock.instant()));
            pending.put(again);
        }
        // Otherwise the store has this attempt already: the processor read the retry's command before this thread got
        // here, or the attempt's outcome outran its acknowledgement (the store then notes who retried it). The store
        // is the truth, and a copy kept here would hide what happens next.
        buffered.acknowledged(
                new Buffered(transactionId, sequence, attempt, tx.latest().operations(), tx.acknowledgedAt(), by));
        if (again == null) {
            return find(transactionId).orElse(tx);
        }
        return storedAfter(again).orElse(again);
    }

    /** Completes when the transaction is VISIBLE, FAILED or DISCARDED (at once if it already is). */
    public synchronized CompletableFuture<TrackedTransaction> whenSettled(String transactionId) {
        CompletableFuture<TrackedTransaction> waiter =
                settledWaiters.computeIfAbsent(transactionId, id -> new CompletableFuture<>());
        // Registered first, then checked: a settlement on the stream thread in between is not missed.
        find(transactionId).filter(found -> found.state().isSettled()).ifPresent(settled -> {
            settledWaiters.remove(transactionId, waiter);
            waiter.complete(settled);
        });
        return waiter;
    }

    /** The in-flight operations on one record, in the site's order. Take it before reading the replica. */
    public List<Operation> inFlightOperations(String recordId) {
        // The not yet applied ones first: one the store takes in between is then read from the store, not missed in
        // both. One it also settles in between is in the replica already, where replaying it changes nothing.
        NavigableMap<OverlayKey, Operation> merged = new TreeMap<>();
        for (TrackedTransaction waiting : pending.touching(recordId)) {
            List<Operation> operations = waiting.latest().operations();
            for (int i = 0; i < operations.size(); i++) {
                if (operations.get(i).getRecordId().equals(recordId)) {
                    merged.put(new OverlayKey(waiting.latest().sequence(), i), operations.get(i));
                }
            }
        }
        for (TransactionStateView.SequencedOperation stored : buffered.view().inFlightSequencedOperations(recordId)) {
            merged.put(new OverlayKey(stored.sequence(), stored.index()), stored.operation());
        }
        return new ArrayList<>(merged.values());
    }

    /** The records of one entity that have operations in flight (for merged lists). */
    public Set<String> inFlightRecordIds(EntityType entity) {
        Set<String> ids = new HashSet<>();
        // The not yet applied ones first, as in inFlightOperations.
        pending.all()
                .forEach(waiting -> waiting.latest().operations().stream()
                        .filter(op -> op.getEntity() == entity)
                        .forEach(op -> ids.add(op.getRecordId())));
        ids.addAll(buffered.view().inFlightRecordIds(entity));
        return ids;
    }

    /** Transactions not yet VISIBLE or FAILED. */
    public int inFlightCount() {
        return buffered.view().inFlightCount() + pending.size();
    }

    public Lsn replayedPosition() {
        return replayed;
    }

    /** Bytes of WAL between the newest commit this site has heard of and what its replica has replayed. */
    public long replicaLagBytes() {
        Lsn newest = direct.view().newestCommit();
        if (buffered.view().newestCommit().compareTo(newest) > 0) {
            newest = buffered.view().newestCommit();
        }
        Lsn replay = replayed;
        return newest.compareTo(replay) > 0 ? newest.asLong() - replay.asLong() : 0L;
    }

    /**
     * How long the oldest transaction still in flight has been; zero when none is. The stores index transactions by
     * state, not by age: a bounded look at each in-flight state, taken at most once per {@link #OLDEST_LOOK_INTERVAL}
     * (health checks, metric scrapes and buffer reads all ask for it, and each look reads thousands of entries).
     */
    public Duration oldestInFlightAge() {
        OldestLook look = oldestLook;
        if (isStale(look)) {
            // One look at a time: callers arriving meanwhile take the one it makes.
            synchronized (oldestLookLock) {
                look = oldestLook;
                if (isStale(look)) {
                    look = new OldestLook(lookForOldest(), System.nanoTime());
                    oldestLook = look;
                }
            }
        }
        return look.oldest() == null ? Duration.ZERO : Duration.between(look.oldest(), clock.instant());
    }

    private static boolean isStale(OldestLook look) {
        return look == null || System.nanoTime() - look.takenAtNanos() > OLDEST_LOOK_INTERVAL.toNanos();
    }

    private Instant lookForOldest() {
        Instant oldest = null;
        for (TransactionState state : List.of(TransactionState.BUFFERED, TransactionState.APPLIED)) {
            for (TrackedTransaction tx : buffered.view().list(state, null, AGE_SCAN_LIMIT)) {
                if (oldest == null || tx.acknowledgedAt().isBefore(oldest)) {
                    oldest = tx.acknowledgedAt();
                }
            }
        }
        for (TrackedTransaction tx : pending.all()) {
            if (oldest == null || tx.acknowledgedAt().isBefore(oldest)) {
                oldest = tx.acknowledgedAt();
            }
        }
        return oldest;
    }

    /** The oldest in-flight acknowledgement a look found (null: none in flight), and when it looked. */
    private record OldestLook(Instant oldest, long takenAtNanos) {}

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
