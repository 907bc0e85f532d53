package io.opsdb.relay.app.record;

/**
 * The validation group of the constraints that hold only when a record is created (a required field); an update
 * sends only the fields it changes.
 */
public interface OnCreate {

    /** The message of a field a create must have. */
    String REQUIRED = "is required";
}
