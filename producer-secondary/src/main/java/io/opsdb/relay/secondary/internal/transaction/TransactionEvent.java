package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.time.Instant;
import java.util.List;

/** What can happen to one of this site's transactions: the inputs of {@link TransactionStateMachine}. */
public sealed interface TransactionEvent {

    /**
     * A command of this site at {@code sequence} (its offset in the site's {@code ops.commands}): a first attempt, the
     * same command delivered again, or an operator's retry.
     *
     * @param retriedBy who retried it (the retry's header), or null for a first attempt
     */
    record Buffered(
            String transactionId,
            long sequence,
            int attempt,
            List<Operation> operations,
            Instant acceptedAt,
            String retriedBy)
            implements TransactionEvent {}

    /**
     * The main site's verdict on {@code attempt}, from the outcome stream or read from the replica's ledger.
     *
     * @param commitLsn where the replica shows it, when APPLIED; null when FAILED
     * @param error why it FAILED
     */
    record Outcome(int attempt, OutcomeStatus status, Lsn commitLsn, String error) implements TransactionEvent {

        static Outcome of(TransactionOutcome outcome) {
            boolean applied = outcome.getStatus() == OutcomeStatus.APPLIED;
            return new Outcome(
                    outcome.getAttempt(),
                    outcome.getStatus(),
                    applied ? Lsn.valueOf(outcome.getCommitLsn()) : null,
                    outcome.getError());
        }
    }

    /** This site wrote the transaction straight to the primary (not buffered), which committed it at {@code commitLsn}. */
    record AppliedDirectly(String transactionId, List<Operation> operations, Lsn commitLsn, Instant acceptedAt)
            implements TransactionEvent {}

    /** The replica has replayed the main site's WAL up to {@code position}. */
    record Replayed(Lsn position) implements TransactionEvent {}

    /** An operator asks for a FAILED transaction to be applied again, before its next attempt is published. */
    record RetryRequested(String by) implements TransactionEvent {}

    /** An operator sets a FAILED transaction aside. */
    record Discarded(String by) implements TransactionEvent {}

    /**
     * A record whose headers name the transaction could not be read.
     *
     * @param sequence the record's offset (the place in the site's order, for a command)
     * @param recordedAt the record's timestamp, standing in for the acceptance time a command would have carried
     */
    record Unreadable(
            UnreadableRecord.Source source, String transactionId, long sequence, Instant recordedAt, String reason)
            implements TransactionEvent {}

    /** The retention of settled transactions: one settled before {@code settledBefore} leaves the stores. */
    record Expiry(Instant settledBefore) implements TransactionEvent {}
}
