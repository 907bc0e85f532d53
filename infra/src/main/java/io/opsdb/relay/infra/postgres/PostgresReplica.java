package io.opsdb.relay.infra.postgres;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A streaming hot standby of the primary, created by {@code pg_basebackup -R} with its own physical replication
 * slot: read-only, and ready once it is in recovery and its WAL receiver streams.
 */
public final class PostgresReplica extends PostgresServer {

    private static final Duration STREAMING_TIMEOUT = Duration.ofSeconds(60);

    private final PostgresPrimary primary;

    public PostgresReplica(
            String name,
            int port,
            PostgresPrimary primary,
            PostgresCredentials credentials,
            PostgresTools tools,
            WorkDirectory workDir) {
        super(name, port, credentials, tools, workDir);
        this.primary = primary;
    }

    /**
     * The physical replication slot this replica streams through: the primary keeps the WAL it has not received yet,
     * so a replica that was stopped or fell far behind catches up (up to the primary's max_slot_wal_keep_size)
     * instead of finding its next segment recycled.
     */
    public String slotName() {
        return slotName(name());
    }

    /** The slot of the replica named {@code replica}: also docker-compose.yml's (checked by DockerSettingsTest). */
    public static String slotName(String replica) {
        return replica.replaceAll("[^a-z0-9_]", "_") + "_slot";
    }

    @Override
    protected void initialize() {
        // -C -S: the slot is created with the backup, and -R writes primary_slot_name next to primary_conninfo.
        // Synced like the primary's initdb: the replica is kept across restarts.
        tools.run(
                "pg_basebackup",
                List.of(
                        "-h",
                        "127.0.0.1",
                        "-p",
                        String.valueOf(primary.port()),
                        "-U",
                        credentials.user(),
                        "-D",
                        dataDir().toString(),
                        "-R",
                        "-X",
                        "stream",
                        "-c",
                        "fast",
                        "-C",
                        "-S",
                        slotName()),
                // The environment, not the command line, so that ps does not show it. -R writes the TLS settings into
                // primary_conninfo too: the replica streams over TLS, the primary's certificate checked.
                Map.of(
                        "PGPASSWORD",
                        credentials.password(),
                        "PGSSLMODE",
                        "verify-full",
                        "PGSSLROOTCERT",
                        primary.caCertificateForReplicas().toString()),
                logFile(),
                Duration.ofSeconds(120));
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of("hot_standby", "on");
    }

    @Override
    protected void afterStart() {
        Await.until(this::isStreaming, STREAMING_TIMEOUT, name() + " streamed from " + primary.name() + " in recovery");
    }

    /**
     * Waits until this replica has replayed everything the primary had written when called, e.g. rows that a
     * process committed at the primary and that the replica's readers must see next. LSNs are compared as
     * {@code pg_lsn}, numerically.
     *
     * @throws StackException if it has not within {@code timeout}
     */
    public void awaitCaughtUp(Duration timeout) {
        String target;
        try (Connection connection = primary.connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            result.next();
            target = result.getString(1);
        } catch (SQLException e) {
            throw new StackException("cannot read the WAL position of " + primary.name() + ": " + e.getMessage(), e);
        }
        Await.until(
                () -> {
                    try (Connection connection = connect();
                            PreparedStatement statement = connection.prepareStatement(
                                    "SELECT pg_last_wal_replay_lsn() >= CAST(? AS pg_lsn)")) {
                        statement.setString(1, target);
                        try (ResultSet result = statement.executeQuery()) {
                            return result.next() && result.getBoolean(1);
                        }
                    }
                },
                timeout,
                name() + " replayed " + primary.name() + " up to " + target);
    }

    private boolean isStreaming() throws Exception {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(
                        "SELECT pg_is_in_recovery(), " + "(SELECT status FROM pg_stat_wal_receiver) = 'streaming'")) {
            return result.next() && result.getBoolean(1) && result.getBoolean(2);
        }
    }
}
