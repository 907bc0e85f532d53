package io.opsdb.relay.role;

import io.opsdb.relay.lsn.Lsn;
import java.time.Instant;

/**
 * Writes a transaction straight to the primary, in one database transaction with its ledger row, as the main
 * site's applier applies every command: the main site writes everything this way, and a secondary its
 * non-critical writes (and its critical ones when CRITICAL_OPERATIONS_BUFFER is off).
 *
 * <p>A port, so that the two roles never depend on each other: {@code consumer-main} implements it with its applier,
 * and the application's configuration, which holds both roles, hands that implementation to the secondary's role.
 * {@code producer-secondary} knows only this interface.
 */
public interface PrimaryWrites {

    /**
     * Applies {@code request} as its first attempt, accepted at this site at {@code acceptedAt}. A transaction the
     * ledger has already (a retry under the same Idempotency-Key) is not applied again, and is answered as the
     * ledger has it.
     *
     * @return a position of the primary's WAL at or past the end of the transaction's commit record: once a
     *         replica has replayed up to it, the replica shows the transaction
     * @throws WriteRefusedException when the primary refused it: it is FAILED in the ledger with the reason
     * @throws SiteUnavailableException when the primary is unreachable or failed transiently: nothing was written
     */
    Lsn write(WriteRequest request, Instant acceptedAt);
}
