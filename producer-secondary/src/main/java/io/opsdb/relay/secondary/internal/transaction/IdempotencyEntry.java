package io.opsdb.relay.secondary.internal.transaction;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What the stores keep of an Idempotency-Key, by the transaction id it derives: the hash of the request that first
 * used it (from the command itself, so it is as durable as the transaction) and the first answer, in the API's own
 * encoding, once the API has given it.
 *
 * @param answer the first answer's bytes, or null while there is none
 */
public record IdempotencyEntry(String requestHash, byte[] answer) {

    public IdempotencyEntry {
        Objects.requireNonNull(requestHash, "requestHash");
    }

    byte[] encode() {
        byte[] hash = requestHash.getBytes(StandardCharsets.UTF_8);
        byte[] first = answer == null ? new byte[0] : answer;
        return ByteBuffer.allocate(Integer.BYTES * 2 + hash.length + first.length)
                .putInt(hash.length)
                .put(hash)
                .putInt(answer == null ? -1 : first.length)
                .put(first)
                .array();
    }

    static IdempotencyEntry decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] hash = new byte[in.getInt()];
        in.get(hash);
        int length = in.getInt();
        byte[] answer = null;
        if (length >= 0) {
            answer = new byte[length];
            in.get(answer);
        }
        return new IdempotencyEntry(new String(hash, StandardCharsets.UTF_8), answer);
    }
}
