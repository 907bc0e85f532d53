package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AccessDecisionTest {

    @ParameterizedTest
    @EnumSource(Permission.class)
    void withoutAValidTokenOnlyPublicRequestsAreAllowed(Permission permission) {
        assertThat(AccessDecision.of(permission, null))
                .isEqualTo(permission == Permission.PUBLIC ? AccessDecision.ALLOW : AccessDecision.UNAUTHENTICATED);
    }

    @ParameterizedTest
    @EnumSource(Permission.class)
    void anAdminMayDoEverything(Permission permission) {
        assertThat(AccessDecision.of(permission, principal(Role.ADMIN))).isEqualTo(AccessDecision.ALLOW);
    }

    @Test
    void observersAndServicesReadAndWriteButDoNotManageTokens() {
        for (Role role : new Role[] {Role.OBSERVER, Role.SERVICE}) {
            assertThat(AccessDecision.of(Permission.READ, principal(role))).isEqualTo(AccessDecision.ALLOW);
            assertThat(AccessDecision.of(Permission.WRITE, principal(role))).isEqualTo(AccessDecision.ALLOW);
            assertThat(AccessDecision.of(Permission.MANAGE_TOKENS, principal(role)))
                    .isEqualTo(AccessDecision.FORBIDDEN);
        }
    }

    @Test
    void aViewerOnlyReads() {
        assertThat(AccessDecision.of(Permission.PUBLIC, principal(Role.VIEWER))).isEqualTo(AccessDecision.ALLOW);
        assertThat(AccessDecision.of(Permission.READ, principal(Role.VIEWER))).isEqualTo(AccessDecision.ALLOW);
        assertThat(AccessDecision.of(Permission.WRITE, principal(Role.VIEWER))).isEqualTo(AccessDecision.FORBIDDEN);
        assertThat(AccessDecision.of(Permission.MANAGE_TOKENS, principal(Role.VIEWER)))
                .isEqualTo(AccessDecision.FORBIDDEN);
    }

    @Test
    void rolesHaveTheValuesOfTheApiTokenTable() {
        assertThat(Role.valueSet()).containsExactly("admin", "observer", "service", "viewer");
        assertThat(Role.fromValue("observer")).contains(Role.OBSERVER);
        assertThat(Role.fromValue("ADMIN")).isEmpty();
        assertThat(Role.fromValue("root")).isEmpty();
    }

    private static AuthenticatedPrincipal principal(Role role) {
        return new AuthenticatedPrincipal("someone", role);
    }
}
