package io.opsdb.relay.infra.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opsdb.relay.infra.StackConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator commands against a fake site: what they ask, with which token, and what they print. */
class OperatorCommandsTest {

    private static final String TOKEN = "s3cret-token-value";
    private static final String FAILED_ID = "7f2c1b4e-3a4d-4e8a-9d1b-0c7e5f6a7b8c";

    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer site;

    @TempDir
    Path workDir;

    @BeforeEach
    void startFakeSite() throws IOException {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String request = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(request + " " + ("Bearer " + TOKEN).equals(authorization));
            int status;
            String body;
            if (!("Bearer " + TOKEN).equals(authorization)) {
                status = 401;
                body = "{\"title\":\"Unauthorized\",\"detail\":\"a valid bearer token is required\"}";
            } else if (request.equals("GET /api/transactions?state=FAILED&limit=2")) {
                status = 200;
                body = "{\"state\":\"FAILED\",\"transactions\":[" + failed(FAILED_ID, 1)
                        + "," + failed("0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d", 2)
                        + "],\"next_cursor\":\"0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d\"}";
            } else if (request.equals("POST /api/transactions/" + FAILED_ID + "/retry")) {
                status = 200;
                body = "{\"transaction_id\":\"" + FAILED_ID + "\",\"state\":\"BUFFERED\",\"attempt\":2}";
            } else if (request.equals("POST /api/transactions/" + FAILED_ID + "/discard")) {
                status = 409;
                body = "{\"title\":\"Conflict\",\"detail\":\"transaction is BUFFERED, not FAILED\"}";
            } else if (request.equals("GET /api/buffer")) {
                status = 200;
                body = "{\"in_flight\":3,\"oldest_in_flight_age_seconds\":1.5,\"failed\":2}";
            } else {
                status = 404;
                body = "{\"title\":\"Not Found\",\"detail\":\"no " + request + "\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        site.start();
    }

    @AfterEach
    void stopFakeSite() {
        site.stop(0);
    }

    @Test
    void listPrintsOneLinePerTransactionUpToTheLimitWithTheTokenFromTheEnvironment() {
        int exit = run(Map.of(SiteTarget.TOKEN_VARIABLE, TOKEN), "tx", "list", "--api", api(), "--limit", "2");

        assertThat(exit).as(err()).isZero();
        List<String> lines = out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("TRANSACTION").contains("STATE").contains("ERROR");
        assertThat(lines.get(1))
                .startsWith(FAILED_ID)
                .contains("FAILED")
                .contains("violates check constraint \"obs_unit_status\" (attempt 1)");
        assertThat(requests).containsExactly("GET /api/transactions?state=FAILED&limit=2 true");
        assertThat(out() + err()).doesNotContain(TOKEN);
    }

    @Test
    void retryPostsAndPrintsTheNewStateAndARefusalIsAnErrorWithItsDetail() throws IOException {
        Path tokenFile = Files.writeString(workDir.resolve("token"), TOKEN + "\n");

        int retried = run(Map.of(), "tx", "retry", FAILED_ID, "--api", api(), "--token-file", tokenFile.toString());
        int discarded = run(Map.of(), "tx", "discard", FAILED_ID, "--api", api(), "--token-file", tokenFile.toString());

        assertThat(retried).isZero();
        assertThat(out()).contains("retry " + FAILED_ID + ": now BUFFERED, attempt 2");
        assertThat(discarded).isEqualTo(1);
        assertThat(err()).contains("409").contains("transaction is BUFFERED, not FAILED");
    }

    @Test
    void aWrongTokenIsRefusedAndABadIdNeverLeavesTheMachine() {
        int refused = run(Map.of(SiteTarget.TOKEN_VARIABLE, "wrong"), "buffer", "--api", api());
        int bad = run(Map.of(SiteTarget.TOKEN_VARIABLE, TOKEN), "tx", "show", "not-a-uuid", "--api", api());

        assertThat(refused).isEqualTo(1);
        assertThat(err()).contains("401").contains("a valid bearer token is required");
        assertThat(bad).isNotZero();
        assertThat(requests).containsExactly("GET /api/buffer false");
    }

    @Test
    void bufferPrintsEachFigure() {
        int exit = run(Map.of(SiteTarget.TOKEN_VARIABLE, TOKEN), "buffer", "--api", api());

        assertThat(exit).as(err()).isZero();
        assertThat(out().lines().map(line -> line.replaceAll("\\s+", " ")))
                .containsExactly("in_flight 3", "oldest_in_flight_age_seconds 1.5", "failed 2");
    }

    @Test
    void withoutATokenAndWithoutALocalStackItSaysWhatToGive() {
        int exit = run(Map.of(), "buffer", "--api", api());

        assertThat(exit).isNotZero();
        assertThat(err()).contains("--token-file").contains(SiteTarget.TOKEN_VARIABLE);
        assertThat(requests).isEmpty();
    }

    private int run(Map<String, String> environment, String... args) {
        StackConfig config = StackConfig.fromEnvironment().withWorkDir(workDir.resolve(".relay"));
        return OperatorCommands.run(
                args,
                () -> config,
                environment,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String api() {
        return "http://127.0.0.1:" + site.getAddress().getPort();
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String failed(String id, int attempt) {
        return "{\"transaction_id\":\"" + id + "\",\"state\":\"FAILED\",\"attempt\":" + attempt
                + ",\"site\":\"observatory\",\"error\":\"violates check constraint\\n \\\"obs_unit_status\\\" (attempt "
                + attempt + ")\"}";
    }
}
