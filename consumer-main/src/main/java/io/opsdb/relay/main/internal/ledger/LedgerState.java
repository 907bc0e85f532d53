package io.opsdb.relay.main.internal.ledger;

/**
 * Where a transaction in the main site's ledger is, as operators see it. The ledger's own status column
 * has only APPLIED and FAILED; a FAILED row an operator set aside is DISCARDED.
 */
public enum LedgerState {
    /** Committed at the primary with its operations. */
    APPLIED,
    /** Refused by the primary with a reason, and waiting for an operator to retry or discard it. */
    FAILED,
    /** FAILED, and set aside by an operator: nothing more will happen to it. */
    DISCARDED;

    static LedgerState of(String status, boolean discarded) {
        if ("APPLIED".equals(status)) {
            return APPLIED;
        }
        return discarded ? DISCARDED : FAILED;
    }

    /** Only a FAILED transaction may be retried or discarded: anything else is settled. */
    public boolean acceptsOperatorAction() {
        return this == FAILED;
    }
}
