package io.opsdb.relay.role;

/**
 * Where a transaction is, as the API reports it. A secondary's transactions go through all of these; the main site
 * writes straight to its own database, so its transactions are only ever VISIBLE, FAILED or DISCARDED.
 */
public enum TransactionState {
    /** Acknowledged by the local broker; on its way to the main site. */
    BUFFERED,
    /** Committed at the main site; not yet replayed by this site's replica. */
    APPLIED,
    /** This site's replica has replayed its commit: reads of the replica show it. */
    VISIBLE,
    /** Rejected at the main site, with a reason; waits for an operator to retry or discard it. */
    FAILED,
    /** FAILED, and set aside by an operator: nothing more will happen to it. */
    DISCARDED;

    /** True once nothing more will happen to the transaction without an operator. */
    public boolean isSettled() {
        return this == VISIBLE || this == FAILED || this == DISCARDED;
    }

    /**
     * True when the transaction leaves a secondary's stores once TRANSACTION_STATUS_RETENTION has passed since it
     * settled: VISIBLE and DISCARDED. A FAILED one is kept until an operator retries or discards it.
     */
    public boolean isExpirable() {
        return this == VISIBLE || this == DISCARDED;
    }

    /** Only a FAILED transaction may be retried or discarded: anything else is on its way or settled. */
    public boolean acceptsOperatorAction() {
        return this == FAILED;
    }
}
