package io.opsdb.relay.role;

/**
 * A transaction larger, as the one command it would travel as, than {@code RelayLimits.MAX_COMMAND_BYTES}: it could
 * not pass every hop to the main site, so it is refused before anything is produced. Retrying will not help;
 * splitting it will.
 */
public class TransactionTooLargeException extends RuntimeException {

    public TransactionTooLargeException(long commandBytes, long limitBytes) {
        super("The transaction is " + commandBytes + " bytes as a command, more than " + limitBytes
                + ", the most one transaction may be. Split it into smaller transactions.");
    }
}
