package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.context.junit.jupiter.web.SpringJUnitWebConfig;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The application's Spring Security chain, as configured, in front of a controller that answers every path with
 * the principal it sees; a filter after the chain (where the Idempotency-Key filter runs) reports the principal
 * it sees too. Tokens live in a map instead of a database.
 */
@SpringJUnitWebConfig(SecurityConfigurationTest.Application.class)
class SecurityConfigurationTest {

    private static final String VIEWER = ApiTokens.generate();
    private static final String OBSERVER = ApiTokens.generate();
    private static final String ADMIN = ApiTokens.generate();
    /** Asked for only while the database is down. */
    private static final String NEVER_CHECKED = ApiTokens.generate();

    private static final Map<String, AuthenticatedPrincipal> DATABASE = Map.of(
            ApiTokens.hash(VIEWER), new AuthenticatedPrincipal("vera", Role.VIEWER),
            ApiTokens.hash(OBSERVER), new AuthenticatedPrincipal("otto", Role.OBSERVER),
            ApiTokens.hash(ADMIN), new AuthenticatedPrincipal("ada", Role.ADMIN),
            ApiTokens.hash(NEVER_CHECKED), new AuthenticatedPrincipal("nina", Role.OBSERVER));
    private static final String PROBE_HEADER = "X-Principal-After-Chain";
    private static volatile boolean databaseDown;

    @Configuration(proxyBeanMethods = false)
    @EnableWebMvc
    @Import(SecurityConfiguration.class)
    static class Application {

        @Bean
        ApiTokenAuthenticationProvider apiTokenAuthenticationProvider() {
            return new ApiTokenAuthenticationProvider(hash -> {
                if (databaseDown) {
                    throw new DataAccessResourceFailureException("connection refused");
                }
                return Optional.ofNullable(DATABASE.get(hash));
            });
        }

        @Bean
        EchoController echoController() {
            return new EchoController();
        }
    }

    @RestController
    static class EchoController {

        @RequestMapping("/**")
        String echo(HttpServletRequest request) {
            return AuthenticatedPrincipal.of(request)
                    .map(AuthenticatedPrincipal::username)
                    .orElse("nobody");
        }
    }

    /** Where the Idempotency-Key filter runs: after Spring Security's chain. */
    static class PrincipalProbe extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader(
                    PROBE_HEADER,
                    AuthenticatedPrincipal.of(request)
                            .map(AuthenticatedPrincipal::username)
                            .orElse("nobody"));
            chain.doFilter(request, response);
        }
    }

    @Autowired
    private WebApplicationContext context;

    private MockMvc mvc;

    @BeforeEach
    void setUp() {
        mvc = MockMvcBuilders.webAppContextSetup(context)
                .apply(springSecurity())
                .addFilters(new PrincipalProbe())
                .build();
    }

    @Test
    void aPublicRequestPassesWithoutAToken() throws Exception {
        MockHttpServletResponse response = send(get("/health"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("nobody");
    }

    @Test
    void aPublicRequestIgnoresItsTokenEvenWhileTheDatabaseIsDown() throws Exception {
        assertThat(send(get("/health").header("Authorization", "Bearer hunter2"))
                        .getStatus())
                .isEqualTo(200);
        assertThat(send(get("/api/site/info").header("Authorization", "Bearer " + ApiTokens.generate()))
                        .getStatus())
                .isEqualTo(200);
        databaseDown = true;
        try {
            assertThat(send(get("/actuator/health").header("Authorization", "Bearer " + NEVER_CHECKED))
                            .getStatus())
                    .isEqualTo(200);
        } finally {
            databaseDown = false;
        }
    }

    @Test
    void aRequestWithoutATokenIs401WithABearerChallengeAndAProblem() throws Exception {
        MockHttpServletResponse response = send(get("/executed_obs_units"));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"ops-db-relay\"");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString())
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Unauthorized\","
                        + "\"status\":401,\"detail\":\"This request needs an API token: send 'Authorization: Bearer "
                        + "ops_api_token_...'.\",\"instance\":\"/executed_obs_units\"}");
        assertThat(response.getHeader(PROBE_HEADER))
                .as("refused before anything after the chain")
                .isNull();
    }

    @Test
    void anUnknownTokenIs401AndTheAnswerDoesNotRepeatIt() throws Exception {
        String unknown = ApiTokens.generate();

        MockHttpServletResponse response =
                send(get("/executed_obs_units").header("Authorization", "Bearer " + unknown));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"ops-db-relay\", error=\"invalid_token\"");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString())
                .contains("\"status\":401", "unknown or revoked")
                .doesNotContain(unknown)
                .doesNotContain(unknown.substring(ApiTokens.PREFIX.length()));
    }

    @Test
    void aMalformedHeaderIs401AndTheAnswerDoesNotRepeatIt() throws Exception {
        MockHttpServletResponse response =
                send(post("/executed_obs_units/start").header("Authorization", "Bearer hunter2-secret"));

        assertThat(response.getStatus()).isEqualTo(401);
        assertThat(response.getHeader("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"ops-db-relay\", error=\"invalid_request\"");
        assertThat(response.getContentAsString()).contains("\"status\":401").doesNotContain("hunter2");
    }

    @Test
    void aRoleWithoutThePermissionIs403NamingTheRolesThatHaveIt() throws Exception {
        MockHttpServletResponse response =
                send(post("/executed_obs_units/start").header("Authorization", "Bearer " + VIEWER));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getHeader("WWW-Authenticate"))
                .isEqualTo("Bearer realm=\"ops-db-relay\", error=\"insufficient_scope\"");
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString())
                .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Forbidden\","
                        + "\"status\":403,\"detail\":\"Role 'viewer' of user 'vera' does not allow write (POST "
                        + "/executed_obs_units/start); roles that do: admin, observer, service.\","
                        + "\"instance\":\"/executed_obs_units/start\"}");
    }

    @Test
    void onlyAnAdminManagesTokens() throws Exception {
        MockHttpServletResponse byObserver = send(get("/api/tokens").header("Authorization", "Bearer " + OBSERVER));
        assertThat(byObserver.getStatus()).isEqualTo(403);
        assertThat(byObserver.getContentAsString())
                .contains("Role 'observer' of user 'otto' does not allow manage-tokens", "roles that do: admin.");

        MockHttpServletResponse byAdmin = send(get("/api/tokens").header("Authorization", "Bearer " + ADMIN));
        assertThat(byAdmin.getStatus()).isEqualTo(200);
        assertThat(byAdmin.getContentAsString()).isEqualTo("ada");
    }

    @Test
    void anAllowedRequestReachesTheFiltersAfterTheChainAndTheControllerWithItsPrincipal() throws Exception {
        MockHttpServletResponse response =
                send(post("/executed_obs_units/start").header("Authorization", "bearer " + OBSERVER));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeader(PROBE_HEADER)).isEqualTo("otto");
        assertThat(response.getContentAsString()).isEqualTo("otto");
    }

    @Test
    void answersCarryNoSessionAndNoHeadersOfSpringSecuritysOwn() throws Exception {
        MockHttpServletResponse response = send(get("/executed_obs_units").header("Authorization", "Bearer " + VIEWER));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getCookies()).isEmpty();
        assertThat(response.getHeaderNames()).containsExactlyInAnyOrder(PROBE_HEADER, "Content-Type", "Content-Length");
    }

    @Test
    void thereIsNoLoginOrLogoutPage() throws Exception {
        assertThat(send(get("/login")).getStatus()).isEqualTo(401);
        assertThat(send(post("/logout")).getStatus()).isEqualTo(401);
        assertThat(send(post("/logout").header("Authorization", "Bearer " + OBSERVER))
                        .getContentAsString())
                .as("reaches the application like any path")
                .isEqualTo("otto");
    }

    @Test
    void aDatabaseThatDoesNotAnswerIs503() throws Exception {
        databaseDown = true;
        try {
            MockHttpServletResponse response =
                    send(get("/executed_obs_units").header("Authorization", "Bearer " + NEVER_CHECKED));

            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getHeader("Retry-After")).isEqualTo("5");
            assertThat(response.getContentType()).startsWith("application/problem+json");
            assertThat(response.getContentAsString()).contains("\"status\":503", "cannot be checked");
        } finally {
            databaseDown = false;
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "//health",
                "/docs/../api/tokens",
                "/health/../executed_obs_units",
                "/docs/./x",
                "/docs/..",
                "/health;x=1",
                "/docs/%2e%2e/api/tokens",
                "/docs%2F..%2Fapi/tokens",
                "/docs/%2E%2E/x",
                "/docs\\..\\api",
                "/docs/%252e%252e",
                "/executed_obs_units/1';DROP%20TABLE%20relay_ledger;--"
            })
    void aPathInAnotherSpellingIsRefusedBeforeAnyRuleApplies(String path) throws Exception {
        MockHttpServletResponse response = send(get("/health").with(request -> {
            request.setRequestURI(path);
            return request;
        }));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(response.getContentAsString()).contains("\"status\":400", "not in canonical form");
        assertThat(response.getHeader(PROBE_HEADER)).isNull();
    }

    private MockHttpServletResponse send(RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }
}
