package io.opsdb.relay.app.idempotency;

import java.util.Optional;

/**
 * Where a site keeps its Idempotency-Keys, by the transaction id each derives ({@link IdempotentRequest#transactionId}).
 * At the main site a table of the primary; at a secondary the transaction state stores, next to the transaction's
 * status and kept as long as it is.
 */
public interface IdempotencyRecords {

    /** What is known of the key that derives {@code transactionId}; empty when it was never used. */
    Optional<KeyRecord> find(String transactionId);

    /** The write of {@code request} is about to be made: its key now belongs to its request hash. */
    void claim(String transactionId, IdempotentRequest request);

    /** The write of {@code request} was answered {@code answer}: retries get it back. */
    void answered(String transactionId, IdempotentRequest request, KeyRecord.FirstAnswer answer);
}
