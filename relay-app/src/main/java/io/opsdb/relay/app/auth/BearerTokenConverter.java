package io.opsdb.relay.app.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Reads a request's {@code Authorization: Bearer} header into an unchecked {@link ApiTokenAuthentication}.
 * No header: no credentials (null), and the request goes on unauthenticated for {@link AccessPolicy} to judge.
 * A header that is not {@code Bearer} followed by a token of our form is refused at once, without asking the
 * database ({@link InvalidBearerTokenException#malformed()}).
 */
final class BearerTokenConverter implements AuthenticationConverter {

    private static final String SCHEME = "bearer ";

    @Override
    public ApiTokenAuthentication convert(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        // The scheme is case-insensitive (RFC 9110, 11.1).
        if (authorization.length() <= SCHEME.length()
                || !authorization
                        .substring(0, SCHEME.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(SCHEME)) {
            throw InvalidBearerTokenException.malformed();
        }
        String token = authorization.substring(SCHEME.length()).trim();
        if (!ApiTokens.isWellFormed(token)) {
            throw InvalidBearerTokenException.malformed();
        }
        return ApiTokenAuthentication.unauthenticated(token);
    }
}
