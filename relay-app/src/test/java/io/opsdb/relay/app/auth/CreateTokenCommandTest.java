package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command's refusals; issuing a token against a real database is tested end to end (AuthenticationIT). */
class CreateTokenCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aMissingRoleIsAUsageErrorListingTheRoles() {
        int exit = run(Map.of(), "--username", "admin");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .hasLineCount(1)
                .contains("--role is required, one of admin, observer, service, viewer");
    }

    @Test
    void anUnknownRoleOrOptionIsAUsageError() {
        assertThat(run(Map.of(), "--username", "admin", "--role", "root")).isEqualTo(2);
        assertThat(run(Map.of(), "--username=admin", "--role=admin", "--force")).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --force");
    }

    @Test
    void invalidSiteSettingsAreOneLineNamingTheSetting() {
        int exit = run(Map.of("MAIN_DB_PORT", "eighty"), "--username", "admin", "--role", "admin");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).hasLineCount(1).contains("MAIN_DB_PORT");
    }

    @Test
    void anUnreachableMainDatabaseIsOneLineWithoutThePassword() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int exit = run(
                Map.of(
                        "MAIN_DB_HOST",
                        "127.0.0.1",
                        "MAIN_DB_PORT",
                        String.valueOf(closedPort),
                        "MAIN_DB_PASSWORD",
                        "s3cret-pw"),
                "--username",
                "admin",
                "--role",
                "admin");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .hasLineCount(1)
                .startsWith(
                        "create-token: cannot connect to the main database relay@127.0.0.1:" + closedPort + "/opsdb")
                .doesNotContain("s3cret-pw");
    }

    private int run(Map<String, String> settings, String... args) {
        return CreateTokenCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                settings::get);
    }
}
