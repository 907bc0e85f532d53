package io.opsdb.relay.secondary.internal.transaction;

/**
 * An operator action a transaction does not allow: only a FAILED transaction is retried or discarded, and only one
 * whose operations are known is retried.
 */
public class TransactionActionRefusedException extends RuntimeException {

    private final transient TrackedTransaction transaction;

    public TransactionActionRefusedException(TrackedTransaction transaction, String action) {
        this(transaction, action, Transition.Refusal.NOT_FAILED);
    }

    /** @param refusal why the state machine refused it */
    public TransactionActionRefusedException(
            TrackedTransaction transaction, String action, Transition.Refusal refusal) {
        super(message(transaction, action, refusal));
        this.transaction = transaction;
    }

    private static String message(TrackedTransaction transaction, String action, Transition.Refusal refusal) {
        String is = "Transaction " + transaction.transactionId() + " is " + transaction.state();
        return refusal == Transition.Refusal.NOTHING_TO_RETRY
                ? is + ", and its command could not be read: there is nothing to apply again. Discard it."
                : is + ": only a FAILED transaction can be " + action + ".";
    }

    /** The transaction as it is. */
    public TrackedTransaction transaction() {
        return transaction;
    }
}
