package io.opsdb.relay.role;

/**
 * The primary refused a write made straight to it (a constraint, a bad reference): nothing of it was applied, and
 * its transaction is recorded FAILED in the ledger with the reason. Permanent: the same write fails the same way.
 */
public class WriteRefusedException extends RuntimeException {

    private final String transactionId;
    private final String reason;

    public WriteRefusedException(String transactionId, String reason) {
        super("The main database refused the write: " + reason);
        this.transactionId = transactionId;
        this.reason = reason;
    }

    public String transactionId() {
        return transactionId;
    }

    /** The primary's reason, as the ledger records it. */
    public String reason() {
        return reason;
    }
}
