package io.opsdb.relay.secondary.internal.transaction;

/**
 * Told each time one of this site's transactions enters a state: BUFFERED when acknowledged, APPLIED
 * when the main site's outcome says so (or a direct write committed), VISIBLE when the replica has
 * replayed its commit, FAILED with its reason; and of each record this site could not read. Called on the thread
 * that changed the state (the state stores' stream thread, or the tracker's caller while it holds its lock), so an
 * implementation must be quick, must not call back into the tracker and must not throw.
 */
@FunctionalInterface
public interface TransactionListener {

    /** {@code transaction} as it is now, in the state it has just entered. */
    void entered(TrackedTransaction transaction);

    /**
     * {@code record} could not be read and was set aside on the dead-letter topic; {@code fate} says whether the
     * transaction its headers name is now FAILED (it is then also told to {@link #entered}).
     */
    default void unreadable(UnreadableRecord record, UnreadableRecord.Fate fate) {}
}
