package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class BearerTokenFilterTest {

    private final String viewerToken = ApiTokens.generate();
    private final String observerToken = ApiTokens.generate();
    private final Map<String, AuthenticatedPrincipal> tokens = Map.of(
            ApiTokens.hash(viewerToken), new AuthenticatedPrincipal("vera", Role.VIEWER),
            ApiTokens.hash(observerToken), new AuthenticatedPrincipal("otto", Role.OBSERVER));
    private final BearerTokenFilter filter =
            new BearerTokenFilter(new BearerTokenAuthenticator(hash -> Optional.ofNullable(tokens.get(hash))));

    @Test
    void aPublicRequestPassesWithoutAToken() throws Exception {
        Exchange exchange = send("GET", "/health", null);

        assertThat(exchange.passed()).isTrue();
        assertThat(exchange.request.getAttribute(AuthenticatedPrincipal.REQUEST_ATTRIBUTE)).isNull();
    }

    @Test
    void aRequestWithoutATokenIs401WithABearerChallenge() throws Exception {
        Exchange exchange = send("GET", "/executed_obs_units", null);

        assertThat(exchange.passed()).isFalse();
        assertThat(exchange.response.getStatus()).isEqualTo(401);
        assertThat(exchange.response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"ops-db-relay\"");
        assertThat(exchange.response.getContentType()).startsWith("application/problem+json");
        assertThat(exchange.response.getContentAsString()).contains("\"status\":401")
                .contains("\"detail\":\"This request needs an API token");
    }

    @Test
    void anUnknownTokenIs401AndTheAnswerDoesNotRepeatIt() throws Exception {
        String unknown = ApiTokens.generate();

        Exchange exchange = send("GET", "/executed_obs_units", "Bearer " + unknown);

        assertThat(exchange.response.getStatus()).isEqualTo(401);
        assertThat(exchange.response.getHeader("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(exchange.response.getContentAsString()).contains("unknown or revoked")
                .doesNotContain(unknown).doesNotContain(unknown.substring(ApiTokens.PREFIX.length()));
    }

    @Test
    void aMalformedHeaderIs401AndTheAnswerDoesNotRepeatIt() throws Exception {
        Exchange exchange = send("POST", "/executed_obs_units/start", "Bearer hunter2-secret");

        assertThat(exchange.response.getStatus()).isEqualTo(401);
        assertThat(exchange.response.getHeader("WWW-Authenticate")).contains("error=\"invalid_request\"");
        assertThat(exchange.response.getContentAsString()).doesNotContain("hunter2");
    }

    @Test
    void aRoleWithoutThePermissionIs403NamingTheRolesThatHaveIt() throws Exception {
        Exchange exchange = send("POST", "/executed_obs_units/start", "Bearer " + viewerToken);

        assertThat(exchange.passed()).isFalse();
        assertThat(exchange.response.getStatus()).isEqualTo(403);
        assertThat(exchange.response.getContentType()).startsWith("application/problem+json");
        assertThat(exchange.response.getContentAsString())
                .contains("Role 'viewer' of user 'vera' does not allow write")
                .contains("roles that do: admin, observer, service")
                .doesNotContain(viewerToken);
    }

    @Test
    void anAllowedRequestPassesWithItsPrincipal() throws Exception {
        Exchange exchange = send("POST", "/executed_obs_units/start", "Bearer " + observerToken);

        assertThat(exchange.passed()).isTrue();
        assertThat(exchange.request.getAttribute(AuthenticatedPrincipal.REQUEST_ATTRIBUTE))
                .isEqualTo(new AuthenticatedPrincipal("otto", Role.OBSERVER));
    }

    @Test
    void aPathInAnotherSpellingIsRefusedBeforeAnyRuleApplies() throws Exception {
        Exchange exchange = send("GET", "/health/../executed_obs_units", null);

        assertThat(exchange.passed()).isFalse();
        assertThat(exchange.response.getStatus()).isEqualTo(400);
        assertThat(exchange.response.getContentType()).startsWith("application/problem+json");
    }

    @Test
    void aDatabaseThatDoesNotAnswerIs503() throws Exception {
        BearerTokenFilter failing = new BearerTokenFilter(new BearerTokenAuthenticator(hash -> {
            throw new org.springframework.dao.DataAccessResourceFailureException("down");
        }));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/executed_obs_units");
        request.addHeader("Authorization", "Bearer " + observerToken);
        MockHttpServletResponse response = new MockHttpServletResponse();

        failing.doFilter(request, response, new MockFilterChain());

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
    }

    private Exchange send(String method, String path, String authorization) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Exchange(request, response, chain);
    }

    private record Exchange(MockHttpServletRequest request, MockHttpServletResponse response, MockFilterChain chain) {
        boolean passed() {
            return chain.getRequest() != null;
        }
    }
}
