package io.opsdb.relay.site;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a connection to PostgreSQL uses TLS: libpq's and PgJDBC's {@code sslmode}, with their values. Only
 * {@link #VERIFY_FULL} checks both that the server's certificate chains to the trusted CA and that it names the host
 * connected to; anything less is open to a man in the middle on the WAN.
 */
public enum SslMode {
    /** No TLS. */
    DISABLE("disable"),
    /** TLS only if the server insists. */
    ALLOW("allow"),
    /** TLS if the server offers it, unverified: PgJDBC's default. */
    PREFER("prefer"),
    /** TLS, the certificate not verified. */
    REQUIRE("require"),
    /** TLS, the certificate verified against the CA, not the host name. */
    VERIFY_CA("verify-ca"),
    /** TLS, the certificate verified against the CA and the host name. */
    VERIFY_FULL("verify-full");

    /** The values as a setting allows them, for messages. */
    static final String ALLOWED = Arrays.stream(values()).map(SslMode::value).collect(Collectors.joining(", "));

    private final String value;

    SslMode(String value) {
        this.value = value;
    }

    /** The value as written in a JDBC URL's {@code sslmode} and in MAIN_DB_SSLMODE. */
    public String value() {
        return value;
    }

    /** Whether the server's certificate is checked against a CA ({@code sslrootcert}). */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    static SslMode parse(String text) {
        for (SslMode mode : values()) {
            if (mode.value.equals(text.strip().toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        throw new IllegalArgumentException("must be one of " + ALLOWED);
    }
}
