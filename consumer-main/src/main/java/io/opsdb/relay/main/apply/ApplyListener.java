package io.opsdb.relay.main.apply;

/**
 * Told of each command the {@link CommandApplier} settles, right after the database transaction that
 * recorded it committed: once per command, never for a duplicate it skipped. Called on the applying
 * thread, so an implementation must be quick and must not throw.
 */
public interface ApplyListener {

    /** Does nothing. */
    ApplyListener NONE = new ApplyListener() {
    };

    /** {@code command} was applied and its APPLIED ledger row committed. */
    default void applied(IncomingCommand command) {
    }

    /** {@code command} could not be applied and its FAILED ledger row, with {@code reason}, committed. */
    default void failed(IncomingCommand command, String reason) {
    }
}
