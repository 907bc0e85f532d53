package io.opsdb.relay.infra.postgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The superuser the stack's databases are created with. The password is random per stack, made when the stack is
 * created and kept only in {@code <workdir>/secrets/db-password} (mode 600), where every later start reads it;
 * {@link #toString()} hides it.
 */
public record PostgresCredentials(String user, String password) {

    /** The superuser's name, also the applications' database user. */
    public static final String USER = "relay";

    /** The password kept in {@code file} by an earlier start, or a new one written there if there is none. */
    public static PostgresCredentials readOrGenerate(Path file) {
        if (!Files.exists(file)) {
            return generate(file);
        }
        try {
            return new PostgresCredentials(USER, Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Generates a password and writes it to {@code file}, readable by its owner only. */
    public static PostgresCredentials generate(Path file) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, password);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return new PostgresCredentials(USER, password);
    }

    @Override
    public String toString() {
        return "PostgresCredentials[user=" + user + ", password=***]";
    }
}
