package io.opsdb.relay.secondary.transaction;

import java.time.Instant;
import java.util.List;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.Operation;

/**
 * An immutable view of one transaction's status.
 *
 * @param sequence its offset in this site's {@code ops.commands}: the order it is applied in
 * @param commitLsn end of its commit record at the main site, once APPLIED
 */
public record TrackedTransaction(
        String transactionId,
        long sequence,
        int attempt,
        List<Operation> operations,
        TransactionState state,
        Instant acknowledgedAt,
        Lsn commitLsn,
        Instant appliedAt,
        Instant visibleAt,
        String error) {

    TrackedTransaction applied(Lsn lsn, Instant at) {
        return new TrackedTransaction(transactionId, sequence, attempt, operations, TransactionState.APPLIED,
                acknowledgedAt, lsn, at, null, null);
    }

    TrackedTransaction visible(Instant at) {
        return new TrackedTransaction(transactionId, sequence, attempt, operations, TransactionState.VISIBLE,
                acknowledgedAt, commitLsn, appliedAt, at, null);
    }

    TrackedTransaction failed(Instant at, String reason) {
        return new TrackedTransaction(transactionId, sequence, attempt, operations, TransactionState.FAILED,
                acknowledgedAt, commitLsn, at, null, reason);
    }
}
