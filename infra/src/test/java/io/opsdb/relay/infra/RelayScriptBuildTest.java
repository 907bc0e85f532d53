package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/relay}'s first build, run as a new user runs it, with a stand-in for {@code ./mvnw} that prints what Maven
 * prints and leaves the artifacts the script looks for: one progress line per module on stderr, the whole output in a
 * log, and on failure the log's end with the command to rerun.
 */
class RelayScriptBuildTest {

    private static final Path SCRIPT = Path.of("..", "bin", "relay");
    private static final String MAVEN_LINES = """
            echo '[INFO] Scanning for projects...'
            echo '[INFO] Building relay-schemas 0.1.0-SNAPSHOT                             [2/10]'
            echo '[INFO] Building jar: /somewhere/relay-schemas-0.1.0-SNAPSHOT.jar'
            echo '[INFO] Building relay-app 0.1.0-SNAPSHOT                                  [9/10]'
            """;

    @TempDir
    Path home;

    @Test
    void theFirstBuildSaysWhichModuleItIsAtAndKeepsMavensOutputInALog() throws Exception {
        fakeMaven(MAVEN_LINES + """
                mkdir -p infra/target relay-app/target
                echo /nonexistent > infra/target/runtime-classpath.txt
                touch relay-app/target/relay-app-exec.jar
                """);

        Run run = relay();

        assertThat(run.stderr())
                .contains("relay: building the project")
                .contains("relay: build [2/10] relay-schemas\n")
                .contains("relay: build [9/10] relay-app\n")
                .contains("relay: built\n")
                .doesNotContain("Building jar")
                .doesNotContain("Scanning for projects");
        assertThat(home.resolve("target/relay-build.log"))
                .content()
                .contains("[INFO] Scanning for projects...")
                .contains("Building jar: /somewhere");
        assertThat(home.resolve("infra/target/relay-build.stamp")).exists();
    }

    @Test
    void aFailedBuildShowsTheEndOfItsLogAndHowToRerunItAndStops() throws Exception {
        fakeMaven(MAVEN_LINES + """
                echo '[ERROR] COMPILATION ERROR : relay-app/src/main/java/Broken.java:[1,1] oops'
                exit 1
                """);

        Run run = relay();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr())
                .contains("relay: build [9/10] relay-app")
                .contains("[ERROR] COMPILATION ERROR : relay-app/src/main/java/Broken.java:[1,1] oops")
                .contains("relay: the build failed")
                .contains("-DskipTests install' in " + home)
                .doesNotContain("relay: built");
        assertThat(home.resolve("infra/target/relay-build.stamp")).doesNotExist();
    }

    private void fakeMaven(String body) throws IOException {
        Path mvnw = home.resolve("mvnw");
        Files.writeString(mvnw, "#!/usr/bin/env bash\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(SCRIPT, home.resolve("bin/relay"));
    }

    /** {@code bin/relay status}: the build comes first; the launcher after it does not exist here and fails. */
    private Run relay() throws Exception {
        Process process = new ProcessBuilder("bash", home.resolve("bin/relay").toString(), "status")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), stderr);
    }

    private record Run(int exitCode, String stderr) {}
}
