package io.opsdb.relay.role;

import io.opsdb.relay.schema.ClientRequest;
import java.util.Optional;

/**
 * Where a site keeps its Idempotency-Keys, by the transaction id each derives, next to its transactions' status
 * and for as long as it: at the main site a table of the primary beside the ledger; at a secondary the transaction
 * state stores. The API asks it for a key's first answer and hands it that answer; the role's {@link SiteRole#write}
 * claims a key before it writes.
 */
public interface IdempotencyRecords {

    /** What is known of the key that derives {@code transactionId}; empty when it was never used. */
    Optional<KeyRecord> find(String transactionId);

    /** The write of {@code request} is about to be made: its key now belongs to its request hash. */
    void claim(String transactionId, ClientRequest request);

    /** The write of {@code request} was answered {@code answer}: retries get it back. */
    void answered(String transactionId, ClientRequest request, KeyRecord.FirstAnswer answer);
}
