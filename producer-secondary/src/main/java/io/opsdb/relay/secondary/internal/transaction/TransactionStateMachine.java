package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Discarded;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Expiry;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Outcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Replayed;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.RetryRequested;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Unreadable;
import io.opsdb.relay.secondary.internal.transaction.Transition.Refusal;
import java.time.Instant;
import java.util.List;

/**
 * The one state machine of a secondary's transactions:
 *
 * <pre>
 * BUFFERED --outcome APPLIED--> APPLIED(commit LSN) --replayed past it--> VISIBLE --retention--> forgotten
 *     \--outcome FAILED, unreadable outcome--> FAILED(reason) --retry--> BUFFERED (next attempt, at its new offset)
 *                                                    \--discard--> DISCARDED --retention--> forgotten
 * </pre>
 *
 * plus a direct write (APPLIED at once), an outcome read from the replica's ledger (taken as the stream's), and an
 * unreadable command (FAILED at once). Pure: it reads nothing and stores nothing; {@link TransactionStore} applies what
 * it decides. Every input may arrive again (at-least-once delivery, a restart), so a repeated event is refused, never
 * applied twice.
 */
public final class TransactionStateMachine {

    private TransactionStateMachine() {}

    /**
     * What {@code event} does to {@code current} at {@code now}.
     *
     * @param current the transaction as stored, or null when there is none
     */
    public static Transition next(TrackedTransaction current, TransactionEvent event, Instant now) {
        if (event instanceof Buffered buffered) {
            return buffered(current, buffered, now);
        }
        if (event instanceof Outcome outcome) {
            return outcome(current, outcome, now);
        }
        if (event instanceof AppliedDirectly direct) {
            return current != null
                    ? Transition.refused(Refusal.ALREADY_TRACKED)
                    : Transition.enters(TrackedTransaction.buffered(
                                    direct.transactionId(), -1, 1, direct.operations(), direct.acceptedAt())
                            .applied(direct.commitLsn(), now));
        }
        if (event instanceof Replayed replayed) {
            return replayed(current, replayed, now);
        }
        if (event instanceof RetryRequested retry) {
            return retryRequested(current, retry, now);
        }
        if (event instanceof Discarded discarded) {
            Refusal refusal = refusesOperatorAction(current);
            return refusal != null
                    ? Transition.refused(refusal)
                    : Transition.enters(current.setAside(new OperatorAction(discarded.by(), now)));
        }
        if (event instanceof Unreadable unreadable) {
            return unreadable(current, unreadable, now);
        }
        return expiry(current, (Expiry) event);
    }

    private static Transition buffered(TrackedTransaction current, Buffered command, Instant now) {
        if (current == null) {
            return Transition.enters(TrackedTransaction.buffered(
                    command.transactionId(),
                    command.sequence(),
                    command.attempt(),
                    command.operations(),
                    command.acceptedAt()));
        }
        if (command.attempt() == current.attempt()
                && command.retriedBy() != null
                && current.retried() == null
                && current.state() != TransactionState.BUFFERED) {
            // An operator's retry whose outcome got here first (the transaction follows that attempt already): who
            // retried it is all there is to add.
            return Transition.notes(current.withRetry(new OperatorAction(command.retriedBy(), now)));
        }
        if (command.attempt() <= current.attempt()) {
            return Transition.refused(Refusal.DELIVERED_AGAIN);
        }
        if (!current.state().acceptsOperatorAction()) {
            return Transition.refused(Refusal.NOT_FAILED);
        }
        // The command's operations, not the stored ones: a transaction FAILED for an unreadable command has none.
        return Transition.enters(current.retryAs(
                command.sequence(),
                command.attempt(),
                command.operations(),
                new OperatorAction(command.retriedBy(), now)));
    }

    private static Transition outcome(TrackedTransaction current, Outcome outcome, Instant now) {
        if (current == null) {
            return Transition.refused(Refusal.UNKNOWN);
        }
        TrackedTransaction deciding = current;
        if (outcome.attempt() > current.attempt()) {
            // Retried elsewhere (by an operator at the main site) after this attempt failed: the later attempt's
            // outcome is the truth.
            deciding = current.following(outcome.attempt());
        } else if (current.state() != TransactionState.BUFFERED) {
            return Transition.refused(Refusal.NOT_BUFFERED);
        } else if (outcome.attempt() < current.attempt() && outcome.status() != OutcomeStatus.APPLIED) {
            return Transition.refused(Refusal.STALE_ATTEMPT);
        }
        // An earlier attempt APPLIED settles a later one too: the main site applies a transaction once and skips any
        // later attempt as a duplicate, so no other outcome will come (a retry after an unreadable outcome).
        return outcome.status() == OutcomeStatus.FAILED
                ? Transition.enters(deciding.failed(now, outcome.error()))
                : Transition.enters(deciding.applied(outcome.commitLsn(), now));
    }

    private static Transition replayed(TrackedTransaction current, Replayed replayed, Instant now) {
        if (current == null) {
            return Transition.refused(Refusal.UNKNOWN);
        }
        if (current.state() != TransactionState.APPLIED) {
            return Transition.refused(Refusal.NOT_APPLIED);
        }
        return current.progress().commitLsn().isAtOrBefore(replayed.position())
                ? Transition.enters(current.visible(now))
                : Transition.refused(Refusal.NOT_REPLAYED);
    }

    private static Transition retryRequested(TrackedTransaction current, RetryRequested retry, Instant now) {
        Refusal refusal = refusesOperatorAction(current);
        if (refusal != null) {
            return Transition.refused(refusal);
        }
        if (current.latest().operations().isEmpty()) {
            return Transition.refused(Refusal.NOTHING_TO_RETRY);
        }
        return Transition.enters(current.retryAs(
                current.latest().sequence(),
                current.attempt() + 1,
                current.latest().operations(),
                new OperatorAction(retry.by(), now)));
    }

    private static Refusal refusesOperatorAction(TrackedTransaction current) {
        if (current == null) {
            return Refusal.UNKNOWN;
        }
        return current.state().acceptsOperatorAction() ? null : Refusal.NOT_FAILED;
    }

    private static Transition unreadable(TrackedTransaction current, Unreadable unreadable, Instant now) {
        if (unreadable.source() == UnreadableRecord.Source.COMMAND) {
            // As the main site does: a record that names a transaction already buffered is set aside without touching
            // it (the site's order puts that transaction's own command first); one that names a new transaction is its
            // first and only attempt, FAILED with the reason, so its status is not a 404.
            return current != null
                    ? Transition.refused(Refusal.ALREADY_TRACKED)
                    : Transition.enters(TrackedTransaction.buffered(
                                    unreadable.transactionId(),
                                    unreadable.sequence(),
                                    1,
                                    List.of(),
                                    unreadable.recordedAt())
                            .failed(now, unreadable.reason()));
        }
        if (current == null) {
            // Its command has not been read yet: the ledger reconciliation settles it once it is BUFFERED.
            return Transition.refused(Refusal.UNKNOWN);
        }
        return current.state() == TransactionState.BUFFERED
                ? Transition.enters(current.failed(now, unreadable.reason()))
                : Transition.refused(Refusal.NOT_BUFFERED);
    }

    private static Transition expiry(TrackedTransaction current, Expiry expiry) {
        if (current == null) {
            return Transition.refused(Refusal.UNKNOWN);
        }
        if (!current.state().isExpirable()) {
            return Transition.refused(Refusal.NOT_EXPIRABLE);
        }
        // Compared in epoch milliseconds, as the settled-by-time index keys are.
        return settledAt(current).toEpochMilli() < expiry.settledBefore().toEpochMilli()
                ? Transition.forgets(current)
                : Transition.refused(Refusal.NOT_DUE);
    }

    /** When a VISIBLE or DISCARDED transaction settled for good: what its retention counts from. */
    static Instant settledAt(TrackedTransaction tx) {
        return tx.state() == TransactionState.VISIBLE
                ? tx.progress().visibleAt()
                : tx.progress().discarded().at();
    }
}
