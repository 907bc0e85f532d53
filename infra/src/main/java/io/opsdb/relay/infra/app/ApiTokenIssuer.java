package io.opsdb.relay.infra.app;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.LogTail;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Issues API tokens the way an operator makes the first one: by running the application's own
 * {@code create-token} command with the main site's environment, so that the stack stores tokens exactly as the
 * application checks them. Each token goes straight from the command's stdout into
 * {@code <workdir>/secrets/<name>} (mode 600); the command's stderr goes to {@code logs/create-token.log}. A token
 * kept there by an earlier start is the stack's for good: it is read again ({@link #kept}), never issued anew.
 */
public final class ApiTokenIssuer {

    /** The token prefix the application issues; anything else on stdout is not a token. */
    private static final String TOKEN_PREFIX = "ops_api_token_";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String LOG_NAME = "create-token";

    private final Path jar;
    private final Map<String, String> mainSiteEnvironment;
    private final WorkDirectory workDir;
    private final JavaCommand java;

    /**
     * @param jar                 the application's executable jar
     * @param mainSiteEnvironment the main site application's environment: its MAIN_DB_* name the primary
     */
    public ApiTokenIssuer(Path jar, Map<String, String> mainSiteEnvironment, WorkDirectory workDir, JavaCommand java) {
        this.jar = jar;
        this.mainSiteEnvironment = Map.copyOf(mainSiteEnvironment);
        this.workDir = workDir;
        this.java = java;
    }

    /** The token an earlier start kept in {@code secrets/<secretName>}, if there is one. */
    public Optional<String> kept(String secretName) {
        Path secret = workDir.secrets().resolve(secretName);
        if (!Files.isRegularFile(secret)) {
            return Optional.empty();
        }
        try {
            String token = Files.readString(secret).trim();
            if (!token.startsWith(TOKEN_PREFIX)) {
                throw new StackException(
                        secret + " holds no API token: delete it to have a new one issued at the next start");
            }
            return Optional.of(token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + secret + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues a token for {@code username} with {@code role} in the primary and keeps it in {@code secrets/<secretName>}.
     *
     * @return the token
     * @throws StackException if the command fails, with the end of its log
     */
    public String issue(String username, String role, String secretName) {
        Path secret = workDir.secrets().resolve(secretName);
        Path log = workDir.logFile(LOG_NAME);
        List<String> command = new ArrayList<>(java.jar("256m", jar));
        command.addAll(List.of("create-token", "--username", username, "--role", role));
        String what = "create-token --username " + username + " --role " + role;
        try {
            Files.deleteIfExists(secret);
            // Created readable by its owner only before anything is written to it.
            Files.createFile(
                    secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.to(secret.toFile()))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(mainSiteEnvironment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StackException(what + " did not finish within " + TIMEOUT.toSeconds() + " s; end of " + log
                        + ":\n" + LogTail.of(log, 10));
            }
            if (process.exitValue() != 0) {
                throw new StackException(what + " failed (exit code " + process.exitValue() + "); end of " + log + ":\n"
                        + LogTail.of(log, 10));
            }
            String token = Files.readString(secret).trim();
            if (!token.startsWith(TOKEN_PREFIX)) {
                // Never shown: it might be a token after all, in a form this launcher does not know.
                throw new StackException(what + " printed something other than a token; see " + secret);
            }
            // The file holds the token alone, like secrets/db-password holds the password.
            Files.writeString(secret, token);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + what, e);
        }
    }
}
