package io.opsdb.relay.infra.postgres;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The primary at the main site: created by {@code initdb} with the stack's superuser and the {@code opsdb}
 * database; {@code wal_level=logical} for change data capture.
 */
public final class PostgresPrimary extends PostgresServer {

    public PostgresPrimary(
            String name, int port, PostgresCredentials credentials, PostgresTools tools, WorkDirectory workDir) {
        super(name, port, credentials, tools, workDir);
    }

    @Override
    protected void initialize() {
        // initdb reads the password from a file the postgres user can read; it exists only for that moment.
        Path passwordFile = workDir.data("postgres").resolve(".initdb-password");
        try {
            Files.createFile(
                    passwordFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passwordFile, credentials.password());
            tools.ownFile(passwordFile);
            tools.run(
                    "initdb",
                    List.of(
                            "-D",
                            dataDir().toString(),
                            "-U",
                            credentials.user(),
                            "--pwfile=" + passwordFile,
                            "--auth-host=scram-sha-256",
                            "--auth-local=trust",
                            // Synced (no --no-sync): the cluster is kept across restarts, so it must survive a power
                            // loss too.
                            "-E",
                            "UTF8",
                            "--locale=C"),
                    Map.of(),
                    logFile(),
                    Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(passwordFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    protected Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Drops the replication slot {@code slot} if it exists and no replica streams through it.
     *
     * @throws StackException if the primary cannot be asked
     */
    public void dropInactiveSlot(String slot) {
        try (Connection connection = connect("postgres");
                PreparedStatement drop = connection.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                        + " FROM pg_replication_slots WHERE slot_name = ? AND NOT active")) {
            drop.setString(1, slot);
            drop.execute();
        } catch (SQLException e) {
            throw new StackException(name() + " cannot drop replication slot " + slot + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void afterStart() {
        try (Connection connection = connect("postgres");
                PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, DATABASE);
            try (ResultSet result = exists.executeQuery()) {
                if (result.next()) {
                    return;
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (SQLException e) {
            throw new StackException(name() + " cannot create database " + DATABASE + ": " + e.getMessage(), e);
        }
    }
}
