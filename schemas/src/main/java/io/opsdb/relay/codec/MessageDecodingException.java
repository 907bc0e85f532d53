package io.opsdb.relay.codec;

/** The bytes are not a readable message: a permanent failure, never worth a retry. */
public class MessageDecodingException extends RuntimeException {

    public MessageDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
