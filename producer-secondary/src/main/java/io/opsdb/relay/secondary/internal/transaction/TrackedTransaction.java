package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.Operation;
import java.time.Instant;
import java.util.List;

/**
 * An immutable view of one transaction's status: what was acknowledged (its id and when, fixed from then on), its
 * latest attempt, how far that attempt has got, and who last retried it. A state change replaces only the part it
 * changes: an outcome or a discard the progress, a retry the attempt (with its progress started over).
 *
 * @param acknowledgedAt when this site's broker first acknowledged it; a retry keeps it
 * @param latest the attempt its state is about
 * @param progress how far the latest attempt has got
 * @param retried who last retried it and when; null if nobody did
 */
public record TrackedTransaction(
        String transactionId, Instant acknowledgedAt, Attempt latest, Progress progress, OperatorAction retried) {

    /**
     * One attempt at a transaction.
     *
     * @param sequence its offset in this site's {@code ops.commands}: the order it is applied in
     * @param number 1, and one more for each retry
     * @param operations what it writes (none for a transaction whose command could not be read)
     */
    public record Attempt(long sequence, int number, List<Operation> operations) {

        Attempt renumbered(int laterNumber) {
            return new Attempt(sequence, laterNumber, operations);
        }
    }

    /**
     * How far an attempt has got; each state keeps what its predecessors found out and drops what no longer holds.
     *
     * @param commitLsn end of its commit record at the main site, once APPLIED
     * @param appliedAt when the main site's verdict (APPLIED or FAILED) was taken here
     * @param visibleAt when the replica had replayed it, once VISIBLE
     * @param error why the main site refused it, when FAILED or DISCARDED
     * @param discarded who set it aside and when, when DISCARDED
     */
    public record Progress(
            TransactionState state,
            Lsn commitLsn,
            Instant appliedAt,
            Instant visibleAt,
            String error,
            OperatorAction discarded) {

        /** Waiting for the main site's verdict. */
        static final Progress BUFFERED = new Progress(TransactionState.BUFFERED, null, null, null, null, null);

        Progress applied(Lsn lsn, Instant at) {
            return new Progress(TransactionState.APPLIED, lsn, at, null, null, null);
        }

        Progress visible(Instant at) {
            return new Progress(TransactionState.VISIBLE, commitLsn, appliedAt, at, null, null);
        }

        Progress failed(Instant at, String reason) {
            return new Progress(TransactionState.FAILED, commitLsn, at, null, reason, null);
        }

        Progress setAside(OperatorAction action) {
            return new Progress(TransactionState.DISCARDED, commitLsn, appliedAt, null, error, action);
        }
    }

    /** A transaction no operator has acted on, field by field. */
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
                acknowledgedAt,
                new Attempt(sequence, attempt, operations),
                new Progress(state, commitLsn, appliedAt, visibleAt, error, null),
                null);
    }

    /** Just acknowledged as {@code attempt} at {@code sequence}: BUFFERED, waiting for the main site's verdict. */
    static TrackedTransaction buffered(
            String transactionId, long sequence, int attempt, List<Operation> operations, Instant acknowledgedAt) {
        return new TrackedTransaction(
                transactionId, acknowledgedAt, new Attempt(sequence, attempt, operations), Progress.BUFFERED, null);
    }

    /** Its latest attempt's number: 1, and one more for each retry. */
    public int attempt() {
        return latest.number();
    }

    /** Where its latest attempt has got to. */
    public TransactionState state() {
        return progress.state();
    }

    TrackedTransaction applied(Lsn lsn, Instant at) {
        return withProgress(progress.applied(lsn, at));
    }

    TrackedTransaction visible(Instant at) {
        return withProgress(progress.visible(at));
    }

    TrackedTransaction failed(Instant at, String reason) {
        return withProgress(progress.failed(at, reason));
    }

    TrackedTransaction setAside(OperatorAction action) {
        return withProgress(progress.setAside(action));
    }

    /** Buffered again as {@code attempt} at {@code sequence} with {@code newOperations}, by {@code action}. */
    TrackedTransaction retryAs(long newSequence, int newAttempt, List<Operation> newOperations, OperatorAction action) {
        return new TrackedTransaction(
                transactionId,
                acknowledgedAt,
                new Attempt(newSequence, newAttempt, newOperations),
                Progress.BUFFERED,
                action);
    }

    TrackedTransaction withRetry(OperatorAction action) {
        return new TrackedTransaction(transactionId, acknowledgedAt, latest, progress, action);
    }

    /** Following a later attempt made elsewhere (a retry at the main site), waiting for its outcome. */
    TrackedTransaction following(int laterAttempt) {
        return new TrackedTransaction(
                transactionId, acknowledgedAt, latest.renumbered(laterAttempt), Progress.BUFFERED, retried);
    }

    private TrackedTransaction withProgress(Progress next) {
        return new TrackedTransaction(transactionId, acknowledgedAt, latest, next, retried);
    }
}
