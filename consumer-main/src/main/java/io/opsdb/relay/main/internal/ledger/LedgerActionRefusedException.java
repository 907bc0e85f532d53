package io.opsdb.relay.main.internal.ledger;

/** An operator action a transaction's state does not allow: only a FAILED transaction is retried or discarded. */
public class LedgerActionRefusedException extends RuntimeException {

    private final LedgerState state;

    public LedgerActionRefusedException(String message, LedgerState state) {
        super(message);
        this.state = state;
    }

    /** The state the transaction is in. */
    public LedgerState state() {
        return state;
    }
}
