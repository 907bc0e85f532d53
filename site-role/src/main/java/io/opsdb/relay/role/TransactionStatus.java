package io.opsdb.relay.role;

import io.opsdb.relay.lsn.Lsn;
import java.time.Instant;
import java.util.Objects;

/**
 * A transaction's status, as {@code GET /api/transactions/{id}} shows it.
 *
 * @param site the site that accepted it, as the main site's ledger records it (the main site answers for every
 *        site's transactions); null at a secondary, whose transactions are all its own
 * @param sequence its offset in a secondary's {@code ops.commands}, the order it is applied in (its latest
 *        attempt's, when retried; -1 for a write made straight to the primary); null at the main site
 * @param attempt 1, and one more for each retry
 * @param commitLsn the end of its commit record at the primary, once a secondary has heard of it; null at the main
 *        site, which does not keep it
 * @param error why the primary refused it, when FAILED (or DISCARDED)
 * @param acknowledgedAt when its site accepted it
 * @param appliedAt when the primary committed it, or recorded it FAILED
 * @param visibleAt when this site's database showed it
 * @param retriedBy who last retried it, with {@code retriedAt}; null if nobody did
 * @param discardedBy who set it aside, with {@code discardedAt}; null unless DISCARDED
 */
public record TransactionStatus(
        String transactionId,
        TransactionState state,
        String site,
        Long sequence,
        int attempt,
        Lsn commitLsn,
        String error,
        Instant acknowledgedAt,
        Instant appliedAt,
        Instant visibleAt,
        String retriedBy,
        Instant retriedAt,
        String discardedBy,
        Instant discardedAt) {

    public TransactionStatus {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(state, "state");
    }
}
