package io.opsdb.relay.secondary.transaction;

/**
 * Told each time one of this site's transactions enters a state: BUFFERED when acknowledged, APPLIED
 * when the main site's outcome says so (or a direct write committed), VISIBLE when the replica has
 * replayed its commit, FAILED with its reason. Called while the {@link TransactionTracker} holds its
 * lock, so an implementation must be quick, must not call back into the tracker and must not throw.
 */
@FunctionalInterface
public interface TransactionListener {

    /** {@code transaction} as it is now, in the state it has just entered. */
    void entered(TrackedTransaction transaction);
}
