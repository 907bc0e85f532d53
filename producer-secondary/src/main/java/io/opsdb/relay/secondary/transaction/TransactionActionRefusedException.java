package io.opsdb.relay.secondary.transaction;

/** An operator action a transaction's state does not allow: only a FAILED transaction is retried or discarded. */
public class TransactionActionRefusedException extends RuntimeException {

    private final transient TrackedTransaction transaction;

    public TransactionActionRefusedException(TrackedTransaction transaction, String action) {
        super("Transaction " + transaction.transactionId() + " is " + transaction.state()
                + ": only a FAILED transaction can be " + action + ".");
        this.transaction = transaction;
    }

    /** The transaction as it is. */
    public TrackedTransaction transaction() {
        return transaction;
    }
}
