package io.opsdb.relay.app.auth;

import java.util.Objects;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who made a request, as its API token says. Every authenticated request carries it in the request attribute
 * {@value #REQUEST_ATTRIBUTE}, e.g. to record who retried or discarded a transaction; public requests
 * (health, site info) have none.
 *
 * @param username the token's user ({@code app_user.username})
 * @param role     the token's role
 */
public record AuthenticatedPrincipal(String username, Role role) {

    /** The request attribute holding the principal of an authenticated request. */
    public static final String REQUEST_ATTRIBUTE = "relay.principal";

    public AuthenticatedPrincipal {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
    }

    /** The principal of a request, empty on a public request. */
    public static Optional<AuthenticatedPrincipal> of(HttpServletRequest request) {
        return Optional.ofNullable((AuthenticatedPrincipal) request.getAttribute(REQUEST_ATTRIBUTE));
    }
}
