package io.opsdb.relay.role;

/**
 * The site cannot take a write or an operator's action now: its local broker did not acknowledge in time, or the
 * primary is unreachable. Transient: the client may retry (with the same Idempotency-Key: a buffered write that
 * timed out may still arrive, and the retry is then the same transaction). The message says what happened and is
 * fit for the client.
 */
public class SiteUnavailableException extends RuntimeException {

    public SiteUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
