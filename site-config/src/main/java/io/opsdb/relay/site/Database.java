package io.opsdb.relay.site;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a PostgreSQL database is and who connects to it, and how: {@code sslMode} and {@code sslRootCert} (the CA
 * certificate, PEM; empty for the driver's default) go into the JDBC URL.
 */
public record Database(
        String host, int port, String user, String password, String name, SslMode sslMode, String sslRootCert) {

    /** A database connected to with the driver's default TLS ({@link SslMode#PREFER}). */
    public Database(String host, int port, String user, String password, String name) {
        this(host, port, user, password, name, SslMode.PREFER, "");
    }

    /** This database connected to with {@code sslMode} and {@code sslRootCert}. */
    public Database withTls(SslMode sslMode, String sslRootCert) {
        return new Database(host, port, user, password, name, sslMode, sslRootCert);
    }

    /** The JDBC URL, with the TLS parameters unless they are the driver's defaults. */
    public String jdbcUrl() {
        return jdbcUrl(Map.of());
    }

    /** {@link #jdbcUrl()} with more parameters (names and values as PgJDBC takes them). */
    public String jdbcUrl(Map<String, String> parameters) {
        Map<String, String> all = new LinkedHashMap<>();
        if (sslMode != SslMode.PREFER) {
            all.put("sslmode", sslMode.value());
        }
        if (!sslRootCert.isEmpty()) {
            all.put("sslrootcert", sslRootCert);
        }
        all.putAll(parameters);
        String base = "jdbc:postgresql://" + host + ":" + port + "/" + name;
        if (all.isEmpty()) {
            return base;
        }
        // PgJDBC decodes the values: a path with a space or '&' stays one value.
        return all.entrySet().stream()
                .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&", base + "?", ""));
    }

    @Override
    public String toString() {
        // Never the password.
        return user + "@" + host + ":" + port + "/" + name + (sslMode == SslMode.PREFER ? "" : " " + sslMode.value());
    }
}
