package io.opsdb.relay.app.auth;

import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Spring Security's authorisation of a request, decided by {@link AccessPolicy} (what the request needs) and
 * {@link AccessDecision} (whether its API token's role grants it). The answer says why, so that a refusal can
 * name the permission and the role ({@link SecurityRefusals#forbidden}).
 */
final class AccessPolicyAuthorizationManager implements AuthorizationManager<RequestAuthorizationContext> {

    /**
     * What {@link AccessPolicy} decided for a request.
     *
     * @param decision  allowed, or why not
     * @param required  what the request needs
     * @param principal who made it, null without a valid token (and on a public request, which does not ask)
     */
    record PolicyDecision(AccessDecision decision, Permission required, AuthenticatedPrincipal principal)
            implements AuthorizationResult {

        @Override
        public boolean isGranted() {
            return decision == AccessDecision.ALLOW;
        }
    }

    @Override
    public PolicyDecision authorize(
            Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        Permission required = AccessPolicy.required(context.getRequest());
        if (required == Permission.PUBLIC) {
            return new PolicyDecision(AccessDecision.ALLOW, required, null);
        }
        AuthenticatedPrincipal principal =
                authentication.get() instanceof ApiTokenAuthentication token && token.isAuthenticated()
                        ? token.getPrincipal()
                        : null;
        return new PolicyDecision(AccessDecision.of(required, principal), required, principal);
    }
}
