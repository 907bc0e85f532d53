package io.opsdb.relay.infra.postgres;

import com.sun.security.auth.module.UnixSystem;
import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.SupervisedProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The PostgreSQL server binaries ({@code initdb}, {@code pg_ctl}, {@code pg_basebackup}) and the OS user they run
 * as. PostgreSQL refuses to run as root, so as root every tool runs through {@code runuser -u postgres} on
 * directories owned by that user.
 */
public final class PostgresTools {

    /** Environment variable naming the directory of the server binaries. */
    public static final String PG_BIN = "PG_BIN";

    private static final String OS_USER = "postgres";
    private static final Path DEBIAN_INSTALLATIONS = Path.of("/usr/lib/postgresql");

    private final Path binDir;
    private final boolean asPostgresUser;

    private PostgresTools(Path binDir, boolean asPostgresUser) {
        this.binDir = binDir;
        this.asPostgresUser = asPostgresUser;
    }

    /**
     * Finds the binaries: {@code $PG_BIN}, else the highest version under {@code /usr/lib/postgresql}, else
     * {@code initdb} on the {@code PATH}.
     *
     * @throws StackException if there are none
     */
    public static PostgresTools locate(Map<String, String> environment) {
        String configured = environment.get(PG_BIN);
        if (configured != null && !configured.isBlank() && !Files.isExecutable(Path.of(configured, "initdb"))) {
            throw new StackException(
                    PG_BIN + "=" + configured + " has no initdb: point it at the PostgreSQL server binaries");
        }
        Path binDir = Optional.ofNullable(configured)
                .filter(dir -> !dir.isBlank())
                .map(Path::of)
                .or(PostgresTools::highestDebianInstallation)
                .or(() -> onPath(environment.getOrDefault("PATH", "")))
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                .orElseThrow(() -> new StackException(
                        "PostgreSQL server binaries not found (initdb): install postgresql or set " + PG_BIN));
        boolean root = new UnixSystem().getUid() == 0;
        return new PostgresTools(binDir, root);
    }

    private static Optional<Path> highestDebianInstallation() {
        if (!Files.isDirectory(DEBIAN_INSTALLATIONS)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(DEBIAN_INSTALLATIONS)) {
            return versions.filter(dir -> dir.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(dir -> Files.isExecutable(dir.resolve("bin/initdb")))
                    .max(Comparator.comparingDouble(
                            dir -> Double.parseDouble(dir.getFileName().toString())))
                    .map(dir -> dir.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String path) {
        return Arrays.stream(path.split(":"))
                .filter(dir -> !dir.isBlank())
                .map(Path::of)
                .filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                .findFirst();
    }

    public Path binDir() {
        return binDir;
    }

    /** The command line that runs {@code tool} as the PostgreSQL user. */
    public List<String> command(String tool, List<String> args) {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.add(binDir.resolve(tool).toString());
        command.addAll(args);
        return command;
    }

    /**
     * Runs {@code tool} to completion, its output appended to {@code logFile}.
     *
     * @throws StackException if it fails, with the end of the log
     */
    public void run(String tool, List<String> args, Map<String, String> environment, Path logFile, Duration timeout) {
        SupervisedProcess.run(tool, command(tool, args), environment, logFile, timeout);
    }

    /**
     * Creates {@code directory} (mode 700) and hands it to the PostgreSQL user.
     *
     * @throws StackException if that user cannot reach it (a parent directory it may not traverse)
     */
    public void ownDirectory(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        own(directory);
        if (asPostgresUser && !postgresCanWrite(directory)) {
            throw new StackException("the postgres user cannot reach " + directory
                    + ": choose a work directory whose parents others may traverse (chmod o+x)");
        }
    }

    /** Creates {@code file} if needed and hands it to the PostgreSQL user. */
    public void ownFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        own(file);
    }

    private void own(Path path) {
        if (!asPostgresUser) {
            return;
        }
        try {
            UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName(OS_USER));
            view.setGroup(users.lookupPrincipalByGroupName(OS_USER));
        } catch (IOException e) {
            throw new StackException("cannot hand " + path + " to the " + OS_USER + " user: " + e.getMessage(), e);
        }
    }

    private static boolean postgresCanWrite(Path directory) {
        try {
            Process test = new ProcessBuilder("runuser", "-u", OS_USER, "--", "test", "-w", directory.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return test.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
