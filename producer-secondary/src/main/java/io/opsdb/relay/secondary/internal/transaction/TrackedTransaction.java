package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.Operation;
import java.time.Instant;
import java.util.List;

/**
 * An immutable view of one transaction's status.
 *
 * @param sequence its offset in this site's {@code ops.commands}: the order it is applied in (its latest
 *        attempt's, when retried)
 * @param attempt 1, and one more for each retry
 * @param commitLsn end of its commit record at the main site, once APPLIED
 * @param error why the main site refused it, when FAILED or DISCARDED
 * @param retried who last retried it and when; null if nobody did
 * @param discarded who set it aside and when, when DISCARDED
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
        String error,
        OperatorAction retried,
        OperatorAction discarded) {

    /** A transaction no operator has acted on. */
    public TrackedTransaction(
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
        this(
                transactionId,
                sequence,
                attempt,
                operations,
                state,
                acknowledgedAt,
                commitLsn,
                appliedAt,
                visibleAt,
                error,
                null,
                null);
    }

    TrackedTransaction applied(Lsn lsn, Instant at) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                attempt,
                operations,
                TransactionState.APPLIED,
                acknowledgedAt,
                lsn,
                at,
                null,
                null,
                retried,
                null);
    }

    TrackedTransaction visible(Instant at) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                attempt,
                operations,
                TransactionState.VISIBLE,
                acknowledgedAt,
                commitLsn,
                appliedAt,
                at,
                null,
                retried,
                null);
    }

    TrackedTransaction failed(Instant at, String reason) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                attempt,
                operations,
                TransactionState.FAILED,
                acknowledgedAt,
                commitLsn,
                at,
                null,
                reason,
                retried,
                null);
    }

    TrackedTransaction setAside(OperatorAction action) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                attempt,
                operations,
                TransactionState.DISCARDED,
                acknowledgedAt,
                commitLsn,
                appliedAt,
                null,
                error,
                retried,
                action);
    }

    /** Buffered again as {@code attempt} at {@code sequence} with {@code newOperations}, by {@code action}. */
    TrackedTransaction retryAs(long newSequence, int newAttempt, List<Operation> newOperations, OperatorAction action) {
        return new TrackedTransaction(
                transactionId,
                newSequence,
                newAttempt,
                newOperations,
                TransactionState.BUFFERED,
                acknowledgedAt,
                null,
                null,
                null,
                null,
                action,
                null);
    }

    TrackedTransaction withRetry(OperatorAction action) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                attempt,
                operations,
                state,
                acknowledgedAt,
                commitLsn,
                appliedAt,
                visibleAt,
                error,
                action,
                discarded);
    }

    /** Following a later attempt made elsewhere (a retry at the main site), waiting for its outcome. */
    TrackedTransaction following(int laterAttempt) {
        return new TrackedTransaction(
                transactionId,
                sequence,
                laterAttempt,
                operations,
                TransactionState.BUFFERED,
                acknowledgedAt,
                null,
                null,
                null,
                null,
                retried,
                null);
    }
}
