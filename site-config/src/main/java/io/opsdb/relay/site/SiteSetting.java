package io.opsdb.relay.site;

import java.time.Duration;
import java.util.function.Function;

/**
 * Every setting of a site, declared once: the environment variable (the seed system's name), its
 * default, what it means and what it allows. {@link SiteConfiguration} reads them, the README's table
 * is generated from them, and nothing else repeats a default.
 */
public enum SiteSetting {
    SITE_NAME(
            "institute",
            "This site's name: its MirrorMaker 2 cluster alias and the prefix of its mirrored topics.",
            SettingParsers.siteName()),
    SITE_TYPE(
            "main",
            "`main` writes straight to the primary; `secondary` buffers critical writes in its Kafka cluster.",
            SettingParsers.siteType()),
    MAIN_DB_HOST("localhost", "Host of the primary (where writes go).", SettingParsers.text()),
    MAIN_DB_PORT("5432", "Port of the primary.", SettingParsers.port()),
    MAIN_DB_USER("relay", "User at the primary.", SettingParsers.text()),
    MAIN_DB_PASSWORD("", "Password at the primary (secret: never logged).", SettingParsers.text(), true),
    MAIN_DB_NAME("opsdb", "Database name at the primary.", SettingParsers.text()),
    MAIN_DB_SSLMODE(
            "prefer",
            "TLS to the primary, as PostgreSQL's `sslmode`: `disable`, `allow`, `prefer`, `require`, `verify-ca` or `verify-full`. Set `verify-full` at a secondary, whose connection crosses the WAN: the primary's certificate is then checked against `MAIN_DB_SSLROOTCERT`, host name included.",
            SettingParsers.sslMode()),
    MAIN_DB_SSLROOTCERT(
            "",
            "The CA certificate (PEM file) the primary's certificate must chain to, with `verify-ca` or `verify-full`; when unset, PgJDBC's default (`~/.postgresql/root.crt`).",
            SettingParsers.text()),
    LOCAL_DB_HOST(
            "localhost",
            "Host of this site's own database: the replica at a secondary, the primary at the main site.",
            SettingParsers.text()),
    LOCAL_DB_PORT("5432", "Port of this site's database.", SettingParsers.port()),
    LOCAL_DB_USER("relay", "User at this site's database.", SettingParsers.text()),
    LOCAL_DB_PASSWORD("", "Password at this site's database (secret: never logged).", SettingParsers.text(), true),
    LOCAL_DB_NAME("opsdb", "Database name at this site's database.", SettingParsers.text()),
    KAFKA_BOOTSTRAP_SERVERS("localhost:9092", "This site's own Kafka cluster, as `host:port[,host:port...]`.", text -> {
        String servers = text.strip();
        if (!servers.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
            throw new IllegalArgumentException("must be host:port[,host:port...]");
        }
        return servers;
    }),
    CRITICAL_OPERATIONS_BUFFER(
            "true",
            "At a secondary, buffer critical writes in Kafka; when false they go straight to the primary.",
            SettingParsers.bool()),
    BUFFER_DURABILITY(
            "fsync",
            "At a secondary, what the 201 of a buffered write means: `fsync`, the local broker has written it to disk (topic `flush.messages=1`); `page-cache`, it is in the broker's page cache (survives a crash of the broker, not a power loss or kernel crash).",
            SettingParsers.bufferDurability()),
    TRANSACTION_BUFFER_SIZE(
            "1000",
            "In-flight transactions above which health reports degraded (writes are still accepted).",
            SettingParsers.integer(1, 100_000_000)),
    TRANSACTION_RETRY_ATTEMPTS(
            "3",
            "Retries of a transiently failing batch at the applier before it pauses (then it tries again by itself).",
            SettingParsers.integer(0, 1000)),
    TRANSACTION_RETRY_DELAY(
            "5",
            "Base delay in seconds of the applier's exponential back-off.",
            SettingParsers.seconds(Duration.ofMillis(1), Duration.ofHours(1))),
    BACKGROUND_PROCESSING_INTERVAL(
            "1.0",
            "Seconds between background passes when idle.",
            SettingParsers.seconds(Duration.ofMillis(10), Duration.ofHours(1))),
    LSN_TRACKING_ENABLED(
            "true", "Poll the replica's replay LSN to report transactions VISIBLE.", SettingParsers.bool()),
    LSN_CHECK_INTERVAL(
            "0.1",
            "Seconds between polls of the replica's replay LSN; it is also polled 5 ms after a transaction becomes"
                    + " APPLIED (one such poll at a time).",
            SettingParsers.seconds(Duration.ofMillis(1), Duration.ofMinutes(1))),
    LSN_TIMEOUT(
            "30",
            "Default seconds a client waits for visibility (`?wait=visible`).",
            SettingParsers.seconds(Duration.ZERO, Duration.ofHours(1))),
    REPLICA_LAG_DEGRADED_SECONDS(
            "60",
            "Replica lag in seconds above which health reports degraded.",
            SettingParsers.seconds(Duration.ofSeconds(1), Duration.ofDays(1))),
    TRANSACTION_STATE_STORE(
            "true",
            "At a secondary, keep in-flight transactions in Kafka Streams state stores (on disk, rebuilt from Kafka after a restart) instead of the heap.",
            SettingParsers.bool()),
    TRANSACTION_STATUS_RETENTION(
            "P7D",
            "At a secondary, how long a settled transaction (VISIBLE or DISCARDED) is kept after it settled, as an ISO-8601 duration (`P7D`, `PT12H`); then it leaves the state stores and its status answers 404. FAILED ones stay until an operator acts.",
            SettingParsers.duration(Duration.ofSeconds(1), Duration.ofDays(3650))),
    STATE_DIR(
            "./state",
            "Directory of this site's Kafka Streams state stores (a subdirectory per application), relative to the working directory unless absolute; not under /tmp.",
            SettingParsers.text()),
    ENVIRONMENT(
            "production",
            "`development` or `production`; a placeholder SECRET_KEY is refused outside development.",
            text -> switch (text.strip()) {
                case "development", "production" -> text.strip();
                default -> throw new IllegalArgumentException("must be development or production");
            }),
    SECRET_KEY("", "Signs what needs signing (secret: never logged).", SettingParsers.text(), true);

    private final String defaultValue;
    private final String description;
    private final Function<String, Object> parser;
    private final boolean secret;

    SiteSetting(String defaultValue, String description, Function<String, Object> parser) {
        this(defaultValue, description, parser, false);
    }

    SiteSetting(String defaultValue, String description, Function<String, Object> parser, boolean secret) {
        this.defaultValue = defaultValue;
        this.description = description;
        this.parser = parser;
        this.secret = secret;
    }

    /** The environment variable, which is also the key in a {@code .env} file. */
    public String variable() {
        return name();
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean isSecret() {
        return secret;
    }

    Object parse(String text) {
        return parser.apply(text);
    }

    /** The settings as a Markdown table: the README's is generated from this. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| variable | meaning | default |\n|---|---|---|\n");
        for (SiteSetting setting : values()) {
            String shown = setting.secret || setting.defaultValue.isEmpty() ? "none" : "`" + setting.defaultValue + "`";
            table.append("| `")
                    .append(setting.variable())
                    .append("` | ")
                    .append(setting.description)
                    .append(" | ")
                    .append(shown)
                    .append(" |\n");
        }
        return table.toString();
    }
}
