package io.opsdb.relay.main.internal.ledger;

import java.time.Instant;

/**
 * One transaction's row in {@code relay_ledger}.
 *
 * @param attempt the attempt the row records: a retry applies the command again with a higher one
 * @param error the reason the primary refused it, when FAILED (or DISCARDED)
 * @param appliedAt when the row was last written (applied, or recorded FAILED)
 * @param sourceTopic where the command was read from; {@code direct} for a write made straight to the primary
 * @param retriedBy who last retried it (null if nobody did), with {@code retriedAt}
 * @param discardedBy who set it aside (null unless DISCARDED), with {@code discardedAt}
 */
public record LedgerEntry(
        String transactionId,
        String site,
        LedgerState state,
        int attempt,
        String error,
        Instant acceptedAt,
        Instant appliedAt,
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        String retriedBy,
        Instant retriedAt,
        String discardedBy,
        Instant discardedAt) {}
