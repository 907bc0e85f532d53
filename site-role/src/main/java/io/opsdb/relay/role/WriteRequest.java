package io.opsdb.relay.role;

import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One validated transaction to write.
 *
 * @param transactionId its id: random, or derived from the request's Idempotency-Key so that a retry is the same
 *        transaction
 * @param operations its operations, in order, already validated against what the site can see
 * @param clientRequest the request with its Idempotency-Key and request hash, or null when it came without a key.
 *        With one, the role answers a transaction it already has under this id instead of writing it again, and
 *        claims the key for this request in its {@link IdempotencyRecords} before it writes.
 */
public record WriteRequest(
        String transactionId, List<Operation> operations, WriteKind kind, ClientRequest clientRequest) {

    public WriteRequest {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(kind, "kind");
        operations = List.copyOf(operations);
    }

    /** True when the request came with an Idempotency-Key. */
    public boolean isIdempotent() {
        return clientRequest != null;
    }

    /** The transaction as its first attempt's command, accepted by {@code site} at {@code acceptedAt}. */
    public WriteCommand command(String site, Instant acceptedAt) {
        return WriteCommand.newBuilder()
                .setTransactionId(transactionId)
                .setSite(site)
                .setAcceptedAt(acceptedAt)
                .setAttempt(1)
                .setOperations(operations)
                .setClientRequest(clientRequest)
                .build();
    }
}
