package io.opsdb.relay.main.internal.apply;

/** What a failure to apply a command calls for. */
public enum FailureKind {
    /** The database or the network is having a moment: retry the same commands with back-off, never skip. */
    TRANSIENT,
    /** The command itself cannot be applied (a constraint, a bad reference, invalid data): record it FAILED and move on. */
    PERMANENT
}
