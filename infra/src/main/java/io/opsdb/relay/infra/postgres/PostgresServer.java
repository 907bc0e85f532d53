package io.opsdb.relay.infra.postgres;

import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.Processes;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server of the stack, run by {@code pg_ctl}: data in {@code <workdir>/postgres/<name>}, its Unix
 * socket in {@code <workdir>/postgres/<name>-socket}, its log in {@code <workdir>/logs/<name>.log}. The first
 * start creates the cluster and then marks it complete ({@code <workdir>/postgres/<name>.initialized}); later
 * starts reuse it. A data directory without that mark is what an interrupted {@code initdb} or base backup left,
 * and is refused rather than started or overwritten.
 */
public abstract class PostgresServer implements StackComponent {

    /** The database the applications use. */
    public static final String DATABASE = "opsdb";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
    private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(60);
    // The stack's own settings live in one file that postgresql.conf includes, so each server can rewrite it.
    private static final String SETTINGS_FILE = "relay.conf";
    /** Room for a few dozen secondaries' replicas; each unused one costs a few hundred bytes of shared memory. */
    static final int MAX_REPLICATION_SLOTS = 32;

    private final String name;
    protected final PostgresTools tools;
    protected final WorkDirectory workDir;
    protected final int port;
    protected final PostgresCredentials credentials;

    protected PostgresServer(
            String name, int port, PostgresCredentials credentials, PostgresTools tools, WorkDirectory workDir) {
        this.name = name;
        this.port = port;
        this.credentials = credentials;
        this.tools = tools;
        this.workDir = workDir;
    }

    @Override
    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/opsdb}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    protected String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    protected Path dataDir() {
        return workDir.data("postgres").resolve(name);
    }

    protected Path socketDir() {
        return workDir.data("postgres").resolve(name + "-socket");
    }

    protected Path logFile() {
        return workDir.logFile(name);
    }

    // Outside the data directory: initdb and pg_basebackup want it empty, and it is not PostgreSQL's to keep.
    private Path initializedMark() {
        return workDir.data("postgres").resolve(name + ".initialized");
    }

    @Override
    public boolean isInitialized() {
        return Files.exists(initializedMark()) && Files.exists(dataDir().resolve("PG_VERSION"));
    }

    @Override
    public boolean hasData() {
        return Files.exists(initializedMark()) || !isEmptyOrMissing(dataDir());
    }

    @Override
    public synchronized void deleteData() {
        if (isRunning()) {
            throw new IllegalStateException(name + " runs: stop it before deleting its data");
        }
        WorkDirectory.deleteRecursively(dataDir());
        WorkDirectory.deleteRecursively(socketDir());
        WorkDirectory.deleteRecursively(initializedMark());
    }

    /** Creates the data directory's contents (initdb or a base backup); the directory's parent exists. */
    protected abstract void initialize();

    /** Settings on top of the common ones. */
    protected abstract Map<String, String> settings();

    /** Writes what the server reads at start beyond its settings (certificates); its data directory exists. */
    protected void beforeStart() {}

    /** Waits until the started server serves what the next components need; pg_ctl has already seen it accept connections. */
    protected void afterStart() {}

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        long started = System.nanoTime();
        tools.ownDirectory(workDir.data("postgres"));
        tools.ownDirectory(socketDir());
        tools.ownFile(logFile());
        if (!isInitialized()) {
            if (!isEmptyOrMissing(dataDir())) {
                // initdb writes PG_VERSION early: only the mark says the cluster was completed.
                throw new StackException(name + "'s data directory " + dataDir() + " is incomplete (its creation was"
                        + " interrupted): run 'bin/relay reset --yes' to start afresh");
            }
            initialize();
            includeSettingsFile();
            markInitialized();
        }
        beforeStart();
        writeSettings();
        tools.run(
                "pg_ctl",
                List.of(
                        "start",
                        "-D",
                        dataDir().toString(),
                        "-l",
                        logFile().toString(),
                        "-w",
                        "-t",
                        String.valueOf(PG_CTL_TIMEOUT.toSeconds())),
                Map.of(),
                logFile(),
                PG_CTL_TIMEOUT.plusSeconds(10));
        long pid = postmasterPid().orElseThrow(() -> new StackException(name + " started but wrote no postmaster.pid"));
        PidFiles.write(workDir.pidFile(name), pid);
        afterStart();
        LOG.info(
                "{} ready in {} ms (pid {}, port {})",
                name,
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                pid,
                port);
    }

    @Override
    public synchronized void stop() {
        if (!isRunning()) {
            return;
        }
        try {
            tools.run(
                    "pg_ctl",
                    List.of("stop", "-D", dataDir().toString(), "-m", "fast", "-w", "-t", "30"),
                    Map.of(),
                    logFile(),
                    Duration.ofSeconds(40));
        } catch (StackException e) {
            LOG.warn(
                    "{} did not stop in time, killing it: {}",
                    name,
                    e.getMessage().lines().findFirst().orElse(""));
            kill();
        }
    }

    @Override
    public synchronized void kill() {
        postmaster().ifPresent(Processes::killWithDescendants);
    }

    @Override
    public synchronized boolean isRunning() {
        return postmaster().isPresent();
    }

    private Optional<ProcessHandle> postmaster() {
        return postmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
    }

    /** The first line of {@code postmaster.pid}; the file outlives a killed server. */
    private Optional<Long> postmasterPid() {
        try {
            Path pidFile = dataDir().resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            return Files.readAllLines(pidFile).stream()
                    .findFirst()
                    .map(String::trim)
                    .map(Long::parseLong);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A connection as the superuser. */
    public Connection connect() throws SQLException {
        return connect(DATABASE);
    }

    protected Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", credentials.user());
        properties.setProperty("password", credentials.password());
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    private static boolean isEmptyOrMissing(Path directory) {
        if (!Files.isDirectory(directory)) {
            return true;
        }
        try (var entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void markInitialized() {
        try {
            Files.writeString(initializedMark(), Instant.now() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void includeSettingsFile() {
        try {
            Files.writeString(
                    dataDir().resolve("postgresql.conf"),
                    "\ninclude '" + SETTINGS_FILE + "'\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The settings of every server of the stack beyond its port and sockets, as {@code postgresql.conf} writes them
     * (a string quoted): also those of docker-compose.yml's servers (checked by DockerSettingsTest).
     */
    public static Map<String, String> sharedSettings() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("wal_level", "logical");
        // Per secondary one slot and one sender for its replica, two more senders while its base backup runs; one
        // slot and sender for Debezium. A replica needs these at least as high as its primary's: the same for both.
        all.put("max_wal_senders", String.valueOf(MAX_REPLICATION_SLOTS));
        all.put("max_replication_slots", String.valueOf(MAX_REPLICATION_SLOTS));
        // An abandoned replication slot would otherwise keep WAL without bound.
        all.put("max_slot_wal_keep_size", "'1GB'");
        all.put("synchronous_commit", "on");
        all.put("hot_standby", "on");
        return all;
    }

    private void writeSettings() {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("port", String.valueOf(port));
        all.put("listen_addresses", "'127.0.0.1'");
        all.put("unix_socket_directories", "'" + socketDir() + "'");
        all.putAll(sharedSettings());
        all.putAll(settings());
        Path file = dataDir().resolve(SETTINGS_FILE);
        try {
            Files.writeString(
                    file,
                    all.entrySet().stream()
                            .map(entry -> entry.getKey() + " = " + entry.getValue())
                            .collect(Collectors.joining("\n", "# Written by the local stack at each start.\n", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tools.ownFile(file);
    }

    @Override
    public String toString() {
        return name;
    }
}
