package io.opsdb.relay.main.internal.apply;

/** A command that can never be applied as it is: unknown entity or column, a value of the wrong type, a missing record. */
class InvalidCommandException extends RuntimeException {

    InvalidCommandException(String message) {
        super(message);
    }
}
