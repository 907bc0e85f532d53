package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bearer-token authentication on the real two sites: tokens are issued at the main site, reach the observatory
 * through its replica, and stop working at both once revoked; a role allows what it should and no more; a token
 * is shown once, when it is issued.
 */
@ExtendWith(TwoSiteStack.class)
class AuthenticationIT {

    /** Replication is quick on loopback; the application remembers a valid token for 5 s. */
    private static final Duration PROPAGATION_TIMEOUT = Duration.ofSeconds(30);

    private static final Pattern TOKEN = Pattern.compile("ops_api_token_[A-Za-z0-9_-]+");
    private static final String UNIT = "/executed_obs_units/" + UUID.randomUUID();
    private static final String START = "{\"obs_unit_id\":\"auth-it\",\"instrument\":\"camera\"}";

    private final LocalStack stack = TwoSiteStack.stack();
    private final URI main = stack.mainApi();
    private final URI observatory = stack.observatoryApi();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theStackIssuesItsTokensWithTheApplicationsOwnCommandAndKeepsThemPrivate() throws Exception {
        assertThat(Files.readString(stack.serviceTokenFile()))
                .isEqualTo(stack.serviceToken())
                .startsWith("ops_api_token_");
        assertThat(Files.readString(stack.adminTokenFile()))
                .isEqualTo(stack.adminToken())
                .startsWith("ops_api_token_");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.serviceTokenFile())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(stack.adminTokenFile())))
                .isEqualTo("rw-------");
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement tokens = primary.prepareStatement("""
                        SELECT u.username, t.role, t.token_hash FROM api_token t JOIN app_user u ON u.id = t.user_id
                        WHERE u.username IN ('relay-service', 'relay-admin') ORDER BY u.username""");
                ResultSet rows = tokens.executeQuery()) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1) + "/" + rows.getString(2)).isEqualTo("relay-admin/admin");
            assertThat(rows.getString(3)).matches("[0-9a-f]{64}").doesNotContain(stack.adminToken());
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1) + "/" + rows.getString(2)).isEqualTo("relay-service/service");
            assertThat(rows.getString(3)).matches("[0-9a-f]{64}").doesNotContain(stack.serviceToken());
            assertThat(rows.next()).isFalse();
        }
        assertThat(send(observatory, "GET", UNIT, stack.serviceToken(), null).statusCode())
                .as("at the observatory")
                .isEqualTo(404);
        assertThat(send(main, "GET", UNIT, stack.serviceToken(), null).statusCode())
                .as("at the main site")
                .isEqualTo(404);
    }

    @Test
    void aRequestWithoutATokenIs401ButProbesSiteInfoAndMetricsArePublic() throws Exception {
        for (URI site : new URI[] {main, observatory}) {
            HttpResponse<String> read = send(site, "GET", UNIT, null, null);
            assertThat(read.statusCode()).isEqualTo(401);
            assertThat(read.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertProblem(read, "This request needs an API token");
            assertThat(send(site, "POST", "/executed_obs_units/start", null, START)
                            .statusCode())
                    .isEqualTo(401);

            assertThat(send(site, "GET", "/health", null, null).statusCode()).isEqualTo(200);
            assertThat(send(site, "GET", "/api/site/info", null, null).statusCode())
                    .isEqualTo(200);
            assertThat(send(site, "GET", "/actuator/health", null, null).statusCode())
                    .isEqualTo(200);
            assertThat(send(site, "GET", "/actuator/prometheus", null, null).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void aWrongTokenIs401AndTheAnswerNeverRepeatsIt() throws Exception {
        String unknown = "ops_api_token_" + "x".repeat(43);
        HttpResponse<String> wrong = send(observatory, "GET", UNIT, unknown, null);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer realm=\"ops-db-relay\", error=\"invalid_token\"");
        assertProblem(wrong, "unknown or revoked");
        assertThat(wrong.body()).doesNotContain(unknown).doesNotContain("x".repeat(43));

        HttpResponse<String> malformed = send(main, "POST", "/executed_obs_units/start", "not-a-token-s3cret", START);
        assertThat(malformed.statusCode()).isEqualTo(401);
        assertThat(malformed.body()).doesNotContain("s3cret");
    }

    @Test
    void aViewerReadsButMayNotWrite() throws Exception {
        Issued viewer = issue("auth-it-viewer-" + UUID.randomUUID(), "viewer");
        awaitAccepted(observatory, viewer.token());

        assertThat(send(observatory, "GET", UNIT, viewer.token(), null).statusCode())
                .isEqualTo(404);
        HttpResponse<String> write = send(observatory, "POST", "/executed_obs_units/start", viewer.token(), START);
        assertThat(write.statusCode()).isEqualTo(403);
        assertProblem(write, "Role 'viewer' of user '" + viewer.username() + "' does not allow write");
        assertThat(write.body()).doesNotContain(viewer.token());
        assertThat(send(main, "POST", "/api/tokens", viewer.token(), "{\"username\":\"x\",\"role\":\"admin\"}")
                        .statusCode())
                .as("a viewer cannot make itself an admin")
                .isEqualTo(403);
    }

    @Test
    void anObserverTokenIssuedAtTheMainSiteWritesAtTheObservatoryOnceReplicated() throws Exception {
        Issued observer = issue("auth-it-observer-" + UUID.randomUUID(), "observer");
        assertThat(send(main, "GET", UNIT, observer.token(), null).statusCode())
                .as("at once at the main site")
                .isEqualTo(404);

        awaitAccepted(observatory, observer.token());
        HttpResponse<String> write = send(observatory, "POST", "/executed_obs_units/start", observer.token(), START);

        assertThat(write.statusCode()).as(write.body()).isEqualTo(201);
        assertThat(write.body()).contains("\"transaction_id\"").doesNotContain(observer.token());
    }

    @Test
    void aRevokedTokenStopsWorkingAtBothSites() throws Exception {
        Issued observer = issue("auth-it-revoked-" + UUID.randomUUID(), "observer");
        awaitAccepted(observatory, observer.token());

        HttpResponse<String> revoke = send(main, "DELETE", "/api/tokens/" + observer.id(), stack.adminToken(), null);
        assertThat(revoke.statusCode()).as(revoke.body()).isEqualTo(204);

        for (URI site : new URI[] {main, observatory}) {
            Conditions.waitFor(
                    () -> send(site, "GET", UNIT, observer.token(), null).statusCode() == 401,
                    PROPAGATION_TIMEOUT,
                    "the revoked token was still accepted at " + site);
            assertThat(send(site, "POST", "/executed_obs_units/start", observer.token(), START)
                            .statusCode())
                    .isEqualTo(401);
        }
        HttpResponse<String> listed = send(main, "GET", "/api/tokens", stack.adminToken(), null);
        Matcher listing = Pattern.compile("\\{[^{}]*\"id\":\"" + observer.id() + "\"[^{}]*}")
                .matcher(listed.body());
        assertThat(listing.find()).as(listed.body()).isTrue();
        assertThat(listing.group())
                .contains("\"username\":\"" + observer.username() + "\"", "\"role\":\"observer\"")
                .containsPattern("\"revoked_at\":\"[^\"]+\"");
        assertThat(send(main, "DELETE", "/api/tokens/" + observer.id(), stack.adminToken(), null)
                        .statusCode())
                .as("revoking again")
                .isEqualTo(204);
        assertThat(send(main, "DELETE", "/api/tokens/" + UUID.randomUUID(), stack.adminToken(), null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aTokenAppearsInNoAnswerButTheOneThatIssuedIt() throws Exception {
        HttpResponse<String> created = send(
                main,
                "POST",
                "/api/tokens",
                stack.adminToken(),
                "{\"username\":\"auth-it-shown-once\",\"role\":\"service\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        assertThat(created.body())
                .containsPattern("\"token\":\"ops_api_token_[A-Za-z0-9_-]{43}\"")
                .contains("\"username\":\"auth-it-shown-once\"", "\"role\":\"service\"", "\"created_at\":\"");
        String token = field(created.body(), "token");

        HttpResponse<String> listed = send(main, "GET", "/api/tokens", stack.adminToken(), null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body())
                .contains("\"id\":\"" + field(created.body(), "id") + "\"")
                .contains("auth-it-shown-once");
        assertThat(TOKEN.matcher(listed.body()).find())
                .as("no token in " + listed.body())
                .isFalse();
        assertThat(listed.body()).doesNotContain("hash").doesNotContain(sha256Column(field(created.body(), "id")));
        for (URI site : new URI[] {main, observatory}) {
            assertThat(TOKEN.matcher(send(site, "GET", "/api/site/info", token, null)
                                    .body())
                            .find())
                    .isFalse();
            assertThat(TOKEN.matcher(send(site, "GET", "/health", token, null).body())
                            .find())
                    .isFalse();
        }
    }

    @Test
    void tokensAreManagedOnlyAtTheMainSiteAndOnlyByAnAdmin() throws Exception {
        for (String method : new String[] {"GET", "POST"}) {
            HttpResponse<String> atObservatory = send(
                    observatory,
                    method,
                    "/api/tokens",
                    stack.adminToken(),
                    method.equals("POST") ? "{\"username\":\"nobody\",\"role\":\"viewer\"}" : null);
            assertThat(atObservatory.statusCode()).isEqualTo(403);
            assertProblem(atObservatory, "tokens are managed at the main site");
        }
        assertThat(send(observatory, "DELETE", "/api/tokens/" + UUID.randomUUID(), stack.adminToken(), null)
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> byService = send(main, "GET", "/api/tokens", stack.serviceToken(), null);
        assertThat(byService.statusCode()).isEqualTo(403);
        assertProblem(byService, "Role 'service' of user 'relay-service' does not allow manage-tokens");
        assertThat(send(main, "GET", "/api/tokens", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void anInvalidTokenRequestIs400WithEveryFieldError() throws Exception {
        HttpResponse<String> invalid =
                send(main, "POST", "/api/tokens", stack.adminToken(), "{\"role\":\"root\",\"scope\":1}");

        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(invalid.body()).contains("\"field\":\"username\"", "\"field\":\"role\"", "\"field\":\"scope\"");
    }

    /** A token issued through the main site's API by the stack's admin. */
    private record Issued(String id, String token, String username) {}

    private Issued issue(String username, String role) throws Exception {
        HttpResponse<String> created = send(
                main,
                "POST",
                "/api/tokens",
                stack.adminToken(),
                "{\"username\":\"" + username + "\",\"role\":\"" + role + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return new Issued(field(created.body(), "id"), field(created.body(), "token"), username);
    }

    /** Waits until a site accepts the token: at the observatory, once its replica has it. */
    private void awaitAccepted(URI site, String token) throws Exception {
        Conditions.waitFor(
                () -> send(site, "GET", UNIT, token, null).statusCode() != 401,
                PROPAGATION_TIMEOUT,
                "a token issued at the main site was not accepted at " + site);
    }

    private static String sha256Column(String tokenId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select =
                        primary.prepareStatement("SELECT token_hash FROM api_token WHERE id = CAST(? AS uuid)")) {
            select.setString(1, tokenId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }

    private static void assertProblem(HttpResponse<String> response, String detail) {
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(response.body())
                .contains("\"status\":" + response.statusCode())
                .contains(detail);
    }

    private HttpResponse<String> send(URI site, String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(site.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]*)\"")
                .matcher(json);
        assertThat(m.find()).as(name + " in " + json).isTrue();
        return m.group(1);
    }
}
