package io.opsdb.relay.role;

import java.time.Duration;

/**
 * What a role tells about the transactions it settles, for the relay's meters ({@link SiteRole#addListener}). The
 * main site tells of every command its applier settles, by the site that accepted it; a secondary tells of its own
 * transactions as the main site's outcomes report them. Each transaction is told once, at one site type only, so
 * a secondary's direct writes (applied by the main site's applier code) are not counted twice. Called on the role's
 * own threads, some holding its locks: an implementation must be quick, must not call back into the role and must
 * not throw.
 */
public interface TransactionEvents {

    /** A transaction accepted at {@code originSite} was committed at the primary. */
    void applied(String originSite);

    /** A transaction accepted at {@code originSite} was recorded FAILED with a reason. */
    void failed(String originSite);

    /**
     * How long a transaction of {@code originSite} took to settle: at the main site from its acceptance at its site
     * to its commit at the primary; at a secondary from its acknowledgement to VISIBLE.
     */
    void settledAfter(String originSite, Duration latency);

    /**
     * A record {@code originSite} sent was not readable and was set aside as a dead letter: at the main site a record
     * on a mirrored commands topic; at a secondary one on its own commands topic or among the mirrored outcomes.
     *
     * @param originSite the site its headers name, {@code unknown} when none does
     * @param failedTransaction its headers named a transaction, now recorded FAILED with the reason (told to
     *        {@link #failed} as well); false when no transaction could be given its fate
     */
    void unreadable(Unreadable record, String originSite, boolean failedTransaction);

    /**
     * At the main site, the commands of {@code originSite} were found (its mirrored topic appeared): from now on
     * {@link BufferFigures#originSites()} reports it, applied or refused. Told once per site.
     */
    default void originSiteFound(String originSite) {}

    /** What an unreadable record should have been. */
    enum Unreadable {
        /** A write command. */
        COMMAND,
        /** A transaction's outcome from the main site. */
        OUTCOME
    }
}
