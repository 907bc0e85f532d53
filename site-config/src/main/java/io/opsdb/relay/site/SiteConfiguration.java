package io.opsdb.relay.site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A site's settings, typed and validated as a whole: every problem is reported at once, cross-field
 * ones included, and start-up stops on any of them.
 *
 * @param siteName SITE_NAME
 * @param siteType SITE_TYPE
 * @param mainDb MAIN_DB_*: the primary, with MAIN_DB_SSLMODE and MAIN_DB_SSLROOTCERT
 * @param localDb LOCAL_DB_*: this site's database (the replica at a secondary)
 * @param kafkaBootstrapServers KAFKA_BOOTSTRAP_SERVERS: this site's own cluster
 * @param criticalOperationsBuffer CRITICAL_OPERATIONS_BUFFER
 * @param bufferDurability BUFFER_DURABILITY
 * @param transactionBufferSize TRANSACTION_BUFFER_SIZE
 * @param transactionRetryAttempts TRANSACTION_RETRY_ATTEMPTS
 * @param transactionRetryDelay TRANSACTION_RETRY_DELAY
 * @param backgroundProcessingInterval BACKGROUND_PROCESSING_INTERVAL
 * @param lsnTrackingEnabled LSN_TRACKING_ENABLED
 * @param lsnCheckInterval LSN_CHECK_INTERVAL
 * @param lsnTimeout LSN_TIMEOUT
 * @param replicaLagDegraded REPLICA_LAG_DEGRADED_SECONDS
 * @param transactionStateStore TRANSACTION_STATE_STORE
 * @param transactionStatusRetention TRANSACTION_STATUS_RETENTION
 * @param stateDir STATE_DIR
 * @param development ENVIRONMENT is development
 * @param secretKey SECRET_KEY, empty when none
 */
public record SiteConfiguration(
        String siteName,
        SiteType siteType,
        Database mainDb,
        Database localDb,
        String kafkaBootstrapServers,
        boolean criticalOperationsBuffer,
        BufferDurability bufferDurability,
        int transactionBufferSize,
        int transactionRetryAttempts,
        Duration transactionRetryDelay,
        Duration backgroundProcessingInterval,
        boolean lsnTrackingEnabled,
        Duration lsnCheckInterval,
        Duration lsnTimeout,
        Duration replicaLagDegraded,
        boolean transactionStateStore,
        Duration transactionStatusRetention,
        String stateDir,
        boolean development,
        String secretKey) {

    /** Values that mean "nobody set this" and must not sign anything in production. */
    private static final Set<String> PLACEHOLDERS = Set.of(
            "change-me",
            "changeme",
            "change_me",
            "secret",
            "placeholder",
            "your-secret-key",
            "your_secret_key",
            "secret-key",
            "secret_key",
            "default",
            "xxx",
            "todo");

    public boolean isMainSite() {
        return siteType == SiteType.MAIN;
    }

    public boolean isSecondarySite() {
        return siteType == SiteType.SECONDARY;
    }

    /** True when critical writes of this site go through its Kafka buffer rather than straight to the primary. */
    public boolean buffersCriticalWrites() {
        return isSecondarySite() && criticalOperationsBuffer;
    }

    /**
     * Reads every setting through {@code lookup} (which gives environment variables precedence over a
     * {@code .env} file; absent ones take their defaults) and validates them all.
     *
     * @throws InvalidSiteConfigurationException listing every problem, one line each
     */
    public static SiteConfiguration load(Function<String, String> lookup) {
        Map<SiteSetting, Object> values = new EnumMap<>(SiteSetting.class);
        List<String> problems = new ArrayList<>();
        for (SiteSetting setting : SiteSetting.values()) {
            String text = lookup.apply(setting.variable());
            String effective = text == null ? setting.defaultValue() : text;
            if (effective.isBlank() && !setting.defaultValue().isEmpty()) {
                problems.add(setting.variable() + ": must not be empty (default " + setting.defaultValue() + ")");
                continue;
            }
            try {
                values.put(setting, setting.parse(effective));
            } catch (IllegalArgumentException e) {
                String shown = setting.isSecret() ? "" : " (was '" + effective + "')";
                problems.add(setting.variable() + ": " + e.getMessage() + shown);
            }
        }
        if (values.get(SiteSetting.SITE_TYPE) == SiteType.SECONDARY
                && lookup.apply(SiteSetting.SITE_NAME.variable()) == null) {
            // Two secondaries left at the default would share one alias: their commands would mix at the main site.
            problems.add(SiteSetting.SITE_NAME.variable()
                    + ": must be set at a secondary: it is the site's MirrorMaker 2 alias and names its commands at the"
                    + " main site (" + SiteNames.ALLOWED + ")");
        }
        String rootCert = (String) values.get(SiteSetting.MAIN_DB_SSLROOTCERT);
        if (rootCert != null && !rootCert.isBlank() && !Files.isReadable(Path.of(rootCert.strip()))) {
            problems.add(SiteSetting.MAIN_DB_SSLROOTCERT.variable() + ": no readable file at '" + rootCert + "'");
        }
        if (problems.isEmpty()) {
            String secret = (String) values.get(SiteSetting.SECRET_KEY);
            boolean development = "development".equals(values.get(SiteSetting.ENVIRONMENT));
            if (!development && PLACEHOLDERS.contains(secret.toLowerCase(Locale.ROOT))) {
                problems.add("SECRET_KEY: is a placeholder; set a real secret, or ENVIRONMENT=development");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSiteConfigurationException(problems);
        }
        return new SiteConfiguration(
                (String) values.get(SiteSetting.SITE_NAME),
                (SiteType) values.get(SiteSetting.SITE_TYPE),
                database(
                                values,
                                SiteSetting.MAIN_DB_HOST,
                                SiteSetting.MAIN_DB_PORT,
                                SiteSetting.MAIN_DB_USER,
                                SiteSetting.MAIN_DB_PASSWORD,
                                SiteSetting.MAIN_DB_NAME)
                        .withTls(
                                (SslMode) values.get(SiteSetting.MAIN_DB_SSLMODE),
                                ((String) values.get(SiteSetting.MAIN_DB_SSLROOTCERT)).strip()),
                database(
                        values,
                        SiteSetting.LOCAL_DB_HOST,
                        SiteSetting.LOCAL_DB_PORT,
                        SiteSetting.LOCAL_DB_USER,
                        SiteSetting.LOCAL_DB_PASSWORD,
                        SiteSetting.LOCAL_DB_NAME),
                (String) values.get(SiteSetting.KAFKA_BOOTSTRAP_SERVERS),
                (Boolean) values.get(SiteSetting.CRITICAL_OPERATIONS_BUFFER),
                (BufferDurability) values.get(SiteSetting.BUFFER_DURABILITY),
                (Integer) values.get(SiteSetting.TRANSACTION_BUFFER_SIZE),
                (Integer) values.get(SiteSetting.TRANSACTION_RETRY_ATTEMPTS),
                (Duration) values.get(SiteSetting.TRANSACTION_RETRY_DELAY),
                (Duration) values.get(SiteSetting.BACKGROUND_PROCESSING_INTERVAL),
                (Boolean) values.get(SiteSetting.LSN_TRACKING_ENABLED),
                (Duration) values.get(SiteSetting.LSN_CHECK_INTERVAL),
                (Duration) values.get(SiteSetting.LSN_TIMEOUT),
                (Duration) values.get(SiteSetting.REPLICA_LAG_DEGRADED_SECONDS),
                (Boolean) values.get(SiteSetting.TRANSACTION_STATE_STORE),
                (Duration) values.get(SiteSetting.TRANSACTION_STATUS_RETENTION),
                (String) values.get(SiteSetting.STATE_DIR),
                "development".equals(values.get(SiteSetting.ENVIRONMENT)),
                (String) values.get(SiteSetting.SECRET_KEY));
    }

    private static Database database(
            Map<SiteSetting, Object> values,
            SiteSetting host,
            SiteSetting port,
            SiteSetting user,
            SiteSetting password,
            SiteSetting name) {
        return new Database(
                (String) values.get(host),
                (Integer) values.get(port),
                (String) values.get(user),
                (String) values.get(password),
                (String) values.get(name));
    }

    @Override
    public String toString() {
        // The record's own toString would print the secret key.
        return "SiteConfiguration[" + siteName + ", " + siteType.value() + ", main " + mainDb + ", local " + localDb
                + ", kafka " + kafkaBootstrapServers + "]";
    }
}
