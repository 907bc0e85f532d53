package io.opsdb.relay.main.apply;

/** A command that can never be applied as it is: unknown entity or column, a value of the wrong type, a missing record. */
public class InvalidCommandException extends RuntimeException {

    public InvalidCommandException(String message) {
        super(message);
    }
}
