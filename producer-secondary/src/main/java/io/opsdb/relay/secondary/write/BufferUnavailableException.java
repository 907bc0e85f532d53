package io.opsdb.relay.secondary.write;

/** The local broker did not acknowledge a write in time: nothing was accepted, and the client may retry. */
public class BufferUnavailableException extends RuntimeException {

    public BufferUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
