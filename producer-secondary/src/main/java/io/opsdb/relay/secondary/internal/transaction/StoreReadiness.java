package io.opsdb.relay.secondary.internal.transaction;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Whether the transaction state stores may answer reads: only while they hold everything their changelogs hold.
 *
 * <p>Kafka Streams opens a task's stores before it restores them, and calls a restore listener's {@code
 * onRestoreStart} only once it has fetched the changelogs' end offsets: a read in between (after a dirty close has
 * wiped the stores) found an empty store and answered 404 for a transaction that exists. So this does not wait for a
 * restore to announce itself; it trusts the stores only when all of these hold:
 *
 * <ul>
 *   <li>the Streams instance is {@code RUNNING}: a stream thread reaches {@code RUNNING} only once every active task it
 *       was assigned has restored its stores, and a rebalance (the rejoin after a fence included) makes the instance
 *       {@code REBALANCING} before its new tasks open any store;
 *   <li>no task whose processor stopped (its task closed, dirty or clean) has started it again: a task corrupted while
 *       the thread stays {@code RUNNING} is closed, wiped, reopened and restored without the instance leaving {@code
 *       RUNNING}, and Streams initialises a task's processors only after its restore;
 *   <li>no changelog partition is between its restore's start and end.
 * </ul>
 *
 * <p>A read is admitted under these conditions and confirmed after it with the same {@link #guard}: every change
 * above counts as a new epoch, so a read that raced with one (admitted, then the stores were closed and reopened
 * under it) is not answered from what it saw either.
 *
 * <p>It is Streams' state listener, global restore listener and the processor's {@link TaskServingListener} at once;
 * they call it from the stream and state updater threads, readers from theirs.
 */
final class StoreReadiness implements KafkaStreams.StateListener, StateRestoreListener, TaskServingListener {

    /** What a read of the stores finds now. */
    enum Readiness {
        /** The stores hold all their changelogs hold: reads are answered. */
        READABLE("the transaction state stores are readable"),
        /** Streams is not running: not started yet, shutting down, stopped or failed. */
        NOT_RUNNING("the transaction state stores are not running"),
        /** A rebalance may hand this instance tasks whose stores are not restored yet. */
        REBALANCING("the transaction state stores are being reassigned"),
        /** A task's processor stopped and has not started again: its stores are closed, or reopened and not restored. */
        REOPENING("the transaction state stores are being reopened"),
        /** A changelog partition is being restored. */
        RESTORING("the transaction state stores are being restored from their changelogs");

        private final String description;

        Readiness(String description) {
            this.description = description;
        }

        /** What a reader is told when the stores are not readable. */
        String description() {
            return description;
        }
    }

    private KafkaStreams.State state = KafkaStreams.State.CREATED;
    private final Set<TaskId> stopped = new HashSet<>();
    private final Set<TopicPartition> restoring = new HashSet<>();
    /** Counts the changes above, so that a read can tell whether one happened while it ran. */
    private long epoch;

    /** What a read finds now. */
    synchronized Readiness readiness() {
        if (state != KafkaStreams.State.RUNNING) {
            return state == KafkaStreams.State.REBALANCING ? Readiness.REBALANCING : Readiness.NOT_RUNNING;
        }
        if (!stopped.isEmpty()) {
            return Readiness.REOPENING;
        }
        if (!restoring.isEmpty()) {
            return Readiness.RESTORING;
        }
        return Readiness.READABLE;
    }

    /**
     * Runs {@code read} if the stores are readable, and returns its result if they stayed readable, with no change in
     * between, until it returned.
     *
     * @throws StateStoreNotAvailableException if they were not readable before or after, or changed in between
     */
    <T> T guard(Supplier<T> read) {
        long admitted = admit();
        T result = read.get();
        confirm(admitted);
        return result;
    }

    private synchronized long admit() {
        Readiness now = readiness();
        if (now != Readiness.READABLE) {
            throw new StateStoreNotAvailableException(now.description());
        }
        return epoch;
    }

    private synchronized void confirm(long admitted) {
        Readiness now = readiness();
        if (now != Readiness.READABLE) {
            throw new StateStoreNotAvailableException(now.description());
        }
        if (epoch != admitted) {
            throw new StateStoreNotAvailableException("the transaction state stores changed during the read");
        }
    }

    @Override
    public synchronized void onChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state = newState;
        if (newState == KafkaStreams.State.RUNNING) {
            // Every task the threads own now runs, its processor started: a task still counted as stopped was
            // closed for good (revoked, or its thread replaced), and its stores are no longer queried.
            stopped.clear();
        }
        epoch++;
    }

    @Override
    public synchronized void started(TaskId task) {
        stopped.remove(task);
        epoch++;
    }

    @Override
    public synchronized void stopped(TaskId task) {
        stopped.add(task);
        epoch++;
    }

    @Override
    public synchronized void onRestoreStart(
            TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        restoring.add(partition);
        epoch++;
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {}

    @Override
    public synchronized void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        restoring.remove(partition);
        epoch++;
    }

    @Override
    public synchronized void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        // The task moved on (closed or revoked) before its restore ended; its stores are not queried as they are.
        restoring.remove(partition);
        epoch++;
    }
}
