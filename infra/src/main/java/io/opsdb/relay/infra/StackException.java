package io.opsdb.relay.infra;

/** The local stack could not be started or operated; the message is meant for a person at a terminal. */
public class StackException extends RuntimeException {

    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
