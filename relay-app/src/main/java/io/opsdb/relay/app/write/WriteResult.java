package io.opsdb.relay.app.write;

import io.opsdb.relay.lsn.Lsn;

/**
 * What a client is answered for a write.
 *
 * @param state BUFFERED, APPLIED or VISIBLE (a refused write is an exception, never a result)
 * @param commitLsn the primary's commit LSN when already applied, else null
 */
public record WriteResult(String transactionId, String state, Lsn commitLsn) {
}
