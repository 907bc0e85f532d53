package io.opsdb.relay.secondary.internal.transaction;

/**
 * What {@link TransactionStateMachine} decided for one event: the transaction enters a state, has a detail noted,
 * leaves the stores, or the event changes nothing, for the reason given.
 *
 * @param transaction the transaction as it is to be stored, or the one to forget; null when refused
 * @param refusal why nothing changes; null unless refused
 */
public record Transition(Kind kind, TrackedTransaction transaction, Refusal refusal) {

    /** The three kinds of decision. */
    public enum Kind {
        /** The transaction enters {@code transaction().state()} (or, for a retry asked for, would). */
        ENTERS,
        /** The transaction stays in its state, with a detail recorded: nobody is told of a state change. */
        NOTES,
        /** The transaction leaves the stores: its status answers 404 from now on. */
        FORGETS,
        /** Nothing changes. */
        REFUSED
    }

    /** Why an event changes nothing. */
    public enum Refusal {
        /** No such transaction here (yet, or any more). */
        UNKNOWN,
        /** A command whose attempt is already tracked: delivered again, or its outcome got here first. */
        DELIVERED_AGAIN,
        /** A transaction this site already tracks; a record that only names it does not change it. */
        ALREADY_TRACKED,
        /** An outcome for a transaction that waits for none: already APPLIED, settled, or not yet retried. */
        NOT_BUFFERED,
        /** The verdict on an earlier attempt than the one in flight. */
        STALE_ATTEMPT,
        /** Only an APPLIED transaction becomes VISIBLE. */
        NOT_APPLIED,
        /** APPLIED, but its commit is beyond the replica's replay position. */
        NOT_REPLAYED,
        /** Only a FAILED transaction may be retried or discarded. */
        NOT_FAILED,
        /** FAILED because its command could not be read: there are no operations to apply again. */
        NOTHING_TO_RETRY,
        /** Only a VISIBLE or DISCARDED transaction expires; a FAILED one waits for an operator. */
        NOT_EXPIRABLE,
        /** Settled, but not for the whole retention yet. */
        NOT_DUE
    }

    static Transition enters(TrackedTransaction transaction) {
        return new Transition(Kind.ENTERS, transaction, null);
    }

    static Transition notes(TrackedTransaction transaction) {
        return new Transition(Kind.NOTES, transaction, null);
    }

    static Transition forgets(TrackedTransaction transaction) {
        return new Transition(Kind.FORGETS, transaction, null);
    }

    static Transition refused(Refusal refusal) {
        return new Transition(Kind.REFUSED, null, refusal);
    }

    /** True when the transaction enters a state. */
    public boolean enters() {
        return kind == Kind.ENTERS;
    }
}
