package io.opsdb.relay.app.idempotency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a site keeps of an Idempotency-Key: the hash of the request that first used it, and the first answer once
 * there is one.
 *
 * @param answer null while the first request is being written, or when it was refused or never answered
 */
public record KeyRecord(String requestHash, FirstAnswer answer) {

    /**
     * The first successful answer, replayed as it was.
     *
     * @param location the Location header, or null
     * @param body the JSON body
     */
    public record FirstAnswer(int status, String location, byte[] body) {

        /** As the secondary's stores keep it: status, location (length-prefixed, -1 for none), body. */
        public byte[] encode() {
            byte[] where = location == null ? null : location.getBytes(StandardCharsets.UTF_8);
            ByteBuffer bytes = ByteBuffer.allocate(Integer.BYTES * 2 + (where == null ? 0 : where.length) + body.length);
            bytes.putInt(status).putInt(where == null ? -1 : where.length);
            if (where != null) {
                bytes.put(where);
            }
            return bytes.put(body).array();
        }

        public static FirstAnswer decode(byte[] encoded) {
            ByteBuffer bytes = ByteBuffer.wrap(encoded);
            int status = bytes.getInt();
            int length = bytes.getInt();
            String location = null;
            if (length >= 0) {
                byte[] where = new byte[length];
                bytes.get(where);
                location = new String(where, StandardCharsets.UTF_8);
            }
            byte[] body = new byte[bytes.remaining()];
            bytes.get(body);
            return new FirstAnswer(status, location, body);
        }
    }
}
