package io.opsdb.relay.app.auth;

import org.springframework.security.authentication.BadCredentialsException;

/**
 * A request's bearer credentials refused, with the RFC 6750 (3.1) error code its {@code WWW-Authenticate}
 * challenge names. The message is the answer's detail, so it never repeats the token.
 */
final class InvalidBearerTokenException extends BadCredentialsException {

    private final String errorCode;

    private InvalidBearerTokenException(String errorCode, String detail) {
        super(detail);
        this.errorCode = errorCode;
    }

    /** An Authorization header that is not {@code Bearer} followed by a token of our form. */
    static InvalidBearerTokenException malformed() {
        return new InvalidBearerTokenException(
                "invalid_request",
                "The Authorization header is not 'Bearer' followed by" + " an API token of the form " + ApiTokens.PREFIX
                        + "<43 characters>.");
    }

    /** A token of our form that this site's database does not know, or knows as revoked. */
    static InvalidBearerTokenException unknownOrRevoked() {
        return new InvalidBearerTokenException(
                "invalid_token",
                "The API token is unknown or revoked at this site. A"
                        + " token issued at the main site is valid at a secondary once its replica has it.");
    }

    /** {@code invalid_request} or {@code invalid_token}. */
    public String errorCode() {
        return errorCode;
    }
}
