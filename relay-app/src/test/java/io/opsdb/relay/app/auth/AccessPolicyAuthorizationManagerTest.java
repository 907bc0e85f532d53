package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.auth.AccessPolicyAuthorizationManager.PolicyDecision;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

class AccessPolicyAuthorizationManagerTest {

    private final AccessPolicyAuthorizationManager manager = new AccessPolicyAuthorizationManager();

    @Test
    void aPublicRequestIsAllowedWithoutLookingAtItsAuthentication() {
        PolicyDecision decision = manager.authorize(
                () -> {
                    throw new AssertionError("a public request must not need an authentication");
                },
                context("GET", "/health"));

        assertThat(decision.isGranted()).isTrue();
        assertThat(decision.required()).isEqualTo(Permission.PUBLIC);
    }

    @Test
    void anAnonymousRequestForDataIsUnauthenticated() {
        Authentication anonymous = new AnonymousAuthenticationToken(
                "key", "anonymousUser", List.of(new SimpleGrantedAuthority("ROLE_ANONYMOUS")));

        PolicyDecision decision = manager.authorize(() -> anonymous, context("GET", "/executed_obs_units"));

        assertThat(decision.isGranted()).isFalse();
        assertThat(decision.decision()).isEqualTo(AccessDecision.UNAUTHENTICATED);
        assertThat(decision.principal()).isNull();
    }

    @Test
    void anUncheckedTokenIsNotAnAuthentication() {
        PolicyDecision decision = manager.authorize(
                () -> ApiTokenAuthentication.unauthenticated(ApiTokens.generate()),
                context("GET", "/executed_obs_units"));

        assertThat(decision.decision()).isEqualTo(AccessDecision.UNAUTHENTICATED);
    }

    @Test
    void aRoleWithoutThePermissionIsForbiddenAndTheDecisionSaysWhoAndWhat() {
        AuthenticatedPrincipal vera = new AuthenticatedPrincipal("vera", Role.VIEWER);

        PolicyDecision decision = manager.authorize(
                () -> ApiTokenAuthentication.authenticated(vera), context("POST", "/executed_obs_units/start"));

        assertThat(decision.isGranted()).isFalse();
        assertThat(decision).isEqualTo(new PolicyDecision(AccessDecision.FORBIDDEN, Permission.WRITE, vera));
    }

    @Test
    void aRoleWithThePermissionIsAllowed() {
        AuthenticatedPrincipal otto = new AuthenticatedPrincipal("otto", Role.OBSERVER);

        PolicyDecision decision = manager.authorize(
                () -> ApiTokenAuthentication.authenticated(otto),
                context("POST", "/api/transactions/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11/retry"));

        assertThat(decision.isGranted()).isTrue();
        assertThat(decision.required()).isEqualTo(Permission.WRITE);
    }

    @Test
    void thePathIsTakenWithinTheApplication() {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/relay/health");
        request.setContextPath("/relay");

        assertThat(manager.authorize(() -> null, new RequestAuthorizationContext(request))
                        .isGranted())
                .isTrue();
    }

    private static RequestAuthorizationContext context(String method, String path) {
        return new RequestAuthorizationContext(new MockHttpServletRequest(method, path));
    }
}
