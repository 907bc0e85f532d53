package io.opsdb.relay.main.internal.apply;

/**
 * Told of each command the {@link CommandApplier} settles, right after the database transaction that
 * recorded it committed: once per command, never for a duplicate it skipped. Called on the applying
 * thread, so an implementation must be quick and must not throw.
 */
public interface ApplyListener {

    /** Does nothing. */
    ApplyListener NONE = new ApplyListener() {};

    /** {@code command} was applied and its APPLIED ledger row committed. */
    default void applied(IncomingCommand command) {}

    /** {@code command} could not be applied and its FAILED ledger row, with {@code reason}, committed. */
    default void failed(IncomingCommand command, String reason) {}

    /**
     * {@code record} could not be read as a command and was set aside as a dead letter.
     *
     * @param failedTransaction its headers named a transaction, now recorded FAILED with the reason; false when no
     *        transaction could be given its fate (no usable header, or one already in the ledger)
     */
    default void unreadable(UnreadableCommand record, boolean failedTransaction) {}

    /** The main site found the mirrored commands of {@code site} ({@link SiteAppliers}), applied or refused; once per site. */
    default void originSiteFound(String site) {}
}
