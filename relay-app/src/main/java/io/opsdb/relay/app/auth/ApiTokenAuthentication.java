package io.opsdb.relay.app.auth;

import java.util.Arrays;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * An API token as Spring Security carries it: before authentication the token a request presented
 * ({@link #unauthenticated(String)}, from {@link BearerTokenConverter}); after it, the
 * {@link AuthenticatedPrincipal} the token belongs to ({@link #authenticated(AuthenticatedPrincipal)}, from
 * {@link ApiTokenAuthenticationProvider}), with the role's permissions as authorities and no token any more.
 * Decisions are {@link AccessPolicy}'s; the authorities are there for what reads Spring Security's view.
 */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private final AuthenticatedPrincipal principal;
    private String token;

    private ApiTokenAuthentication(String token, AuthenticatedPrincipal principal, List<GrantedAuthority> authorities) {
        super(authorities);
        this.token = token;
        this.principal = principal;
        super.setAuthenticated(principal != null);
    }

    /** The token a request presented, not yet checked. */
    public static ApiTokenAuthentication unauthenticated(String token) {
        return new ApiTokenAuthentication(token, null, List.of());
    }

    /** A checked token's holder; the token itself is not kept. */
    public static ApiTokenAuthentication authenticated(AuthenticatedPrincipal principal) {
        List<GrantedAuthority> authorities = Arrays.stream(Permission.values())
                .filter(principal.role()::grants)
                .<GrantedAuthority>map(permission -> new SimpleGrantedAuthority(permission.value()))
                .toList();
        return new ApiTokenAuthentication(null, principal, authorities);
    }

    /** The token, before authentication; null after it. */
    @Override
    public String getCredentials() {
        return token;
    }

    /** The token's holder, after authentication; null before it. */
    @Override
    public AuthenticatedPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal == null ? "" : principal.username();
    }

    /** Only {@link #authenticated(AuthenticatedPrincipal)} makes an authenticated one. */
    @Override
    public void setAuthenticated(boolean authenticated) {
        if (authenticated) {
            throw new IllegalArgumentException("an API token is authenticated only by ApiTokenAuthenticationProvider");
        }
        super.setAuthenticated(false);
    }

    @Override
    public void eraseCredentials() {
        super.eraseCredentials();
        token = null;
    }
}
