package io.opsdb.relay.role;

/**
 * Where a transaction is, as the API reports it. A secondary's transactions go through all of these; the main site
 * writes straight to its own database, so its transactions are only ever VISIBLE, FAILED or DISCARDED.
 *
 * <p>Each state has a stable {@link #code()}: the byte the state stores write for it (in a transaction's bytes and at
 * the head of its {@code by-state} key). Stores and their changelogs outlive a release, so a code is never changed
 * or reused, whatever the order of the constants; a new state takes a new code. The codes equal the ordinals the
 * stores were first written with.
 */
public enum TransactionState {
    /** Acknowledged by the local broker; on its way to the main site. */
    BUFFERED(0),
    /** Committed at the main site; not yet replayed by this site's replica. */
    APPLIED(1),
    /** This site's replica has replayed its commit: reads of the replica show it. */
    VISIBLE(2),
    /** Rejected at the main site, with a reason; waits for an operator to retry or discard it. */
    FAILED(3),
    /** FAILED, and set aside by an operator: nothing more will happen to it. */
    DISCARDED(4);

    private final byte code;

    TransactionState(int code) {
        this.code = (byte) code;
    }

    /** The byte the state stores write for this state; never changes. */
    public byte code() {
        return code;
    }

    /**
     * The state written as {@code code}.
     *
     * @throws IllegalArgumentException for a code no state has (a store written by a later version)
     */
    public static TransactionState ofCode(byte code) {
        for (TransactionState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown transaction state code " + code);
    }

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
