package io.opsdb.relay.infra.postgres;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
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
 * database; {@code wal_level=logical} for change data capture. It accepts TLS ({@code ssl=on}) with a certificate the
 * stack's CA signed for {@code localhost} and {@code 127.0.0.1}: a secondary connects with
 * {@code sslmode=verify-full}.
 */
public final class PostgresPrimary extends PostgresServer {

    private static final String CERTIFICATE = "server.crt";
    private static final String KEY = "server.key";

    private final WanCertificates certificates;

    public PostgresPrimary(
            String name,
            int port,
            PostgresCredentials credentials,
            WanCertificates certificates,
            PostgresTools tools,
            WorkDirectory workDir) {
        super(name, port, credentials, tools, workDir);
        this.certificates = certificates;
    }

    /**
     * The CA certificate where the PostgreSQL user can read it: a replica's {@code sslrootcert} for streaming from
     * this primary (the stack's {@code secrets/} is its owner's only).
     */
    public Path caCertificateForReplicas() {
        return workDir.data("postgres").resolve("root.crt");
    }

    /** Copies the certificate and key into the data directory at each start: PostgreSQL wants the key 0600, its own. */
    @Override
    protected void beforeStart() {
        certificates.keystore(name());
        Path directory = certificates.directory();
        copyOwned(directory.resolve(name() + ".crt"), dataDir().resolve(CERTIFICATE));
        copyOwned(directory.resolve(name() + ".key"), dataDir().resolve(KEY));
        copyOwned(certificates.caCertificate(), caCertificateForReplicas());
    }

    private void copyOwned(Path from, Path to) {
        try {
            Files.deleteIfExists(to);
            Files.createFile(to, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(to, Files.readAllBytes(from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tools.ownFile(to);
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
        // Relative to the data directory.
        return Map.of("ssl", "on", "ssl_cert_file", "'" + CERTIFICATE + "'", "ssl_key_file", "'" + KEY + "'");
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
