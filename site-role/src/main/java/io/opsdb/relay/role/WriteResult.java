package io.opsdb.relay.role;

import io.opsdb.relay.lsn.Lsn;

/**
 * What a client is answered for a write.
 *
 * @param state BUFFERED, APPLIED or VISIBLE (a refused write is an exception, never a result)
 * @param commitLsn the primary's commit LSN when already applied (at or past the end of its commit record), else null
 */
public record WriteResult(String transactionId, TransactionState state, Lsn commitLsn) {}
