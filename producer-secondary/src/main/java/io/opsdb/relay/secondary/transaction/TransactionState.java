package io.opsdb.relay.secondary.transaction;

/** Where a transaction accepted at this site is. */
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
     * True when the transaction leaves this site's stores once TRANSACTION_STATUS_RETENTION has passed since it
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
