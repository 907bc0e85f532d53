package io.opsdb.relay.role;

/**
 * An operator's retry or discard that the transaction does not allow: it is not FAILED, or (at the main site) its
 * command was not kept. Nothing changed; the message says why, in the API's states.
 */
public class OperatorActionRefusedException extends RuntimeException {

    public OperatorActionRefusedException(String message) {
        super(message);
    }
}
