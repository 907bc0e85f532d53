package io.opsdb.relay.codec;

/**
 * Turns a message into the bytes of a Kafka record value and back. The one seam where a schema
 * registry can be plugged in later: everything else sees messages, never bytes.
 *
 * @param <T> the message type
 */
public interface MessageCodec<T> {

    byte[] encode(T message);

    /**
     * @throws MessageDecodingException when the bytes are not a message this codec can read; retrying
     *         will not help, so callers treat it as a poison record
     */
    T decode(byte[] bytes);
}
