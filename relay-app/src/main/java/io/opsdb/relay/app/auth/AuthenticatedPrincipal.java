package io.opsdb.relay.app.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.Optional;

/**
 * Who made a request, as its API token says: the principal of its {@link ApiTokenAuthentication}, e.g. to
 * record who retried or discarded a transaction. Public requests (health, site info) have none.
 *
 * @param username the token's user ({@code app_user.username})
 * @param role     the token's role
 */
public record AuthenticatedPrincipal(String username, Role role) {

    public AuthenticatedPrincipal {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
    }

    /**
     * The principal of a request, empty on a public request. Spring Security's request wrapper answers
     * {@link HttpServletRequest#getUserPrincipal()} from the security context, for the filters after its chain
     * and the controllers alike.
     */
    public static Optional<AuthenticatedPrincipal> of(HttpServletRequest request) {
        return request.getUserPrincipal() instanceof ApiTokenAuthentication token && token.isAuthenticated()
                ? Optional.of(token.getPrincipal())
                : Optional.empty();
    }
}
