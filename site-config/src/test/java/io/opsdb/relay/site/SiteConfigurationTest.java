package io.opsdb.relay.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteConfigurationTest {

    private static SiteConfiguration load(Map<String, String> env) {
        return SiteConfiguration.load(env::get);
    }

    @Test
    void defaultsDescribeAMainSite() {
        SiteConfiguration config = load(Map.of());
        assertThat(config.siteName()).isEqualTo("institute");
        assertThat(config.siteType()).isEqualTo(SiteType.MAIN);
        assertThat(config.isMainSite()).isTrue();
        assertThat(config.buffersCriticalWrites()).isFalse();
        assertThat(config.bufferDurability()).isEqualTo(BufferDurability.FSYNC);
        assertThat(config.kafkaBootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.transactionBufferSize()).isEqualTo(1000);
        assertThat(config.transactionRetryAttempts()).isEqualTo(3);
        assertThat(config.transactionRetryDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.lsnCheckInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.lsnTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.mainDb().jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/opsdb");
    }

    @Test
    void theConnectionToThePrimaryCarriesItsTlsSettingsInTheJdbcUrl(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca & root.pem"), "-----BEGIN CERTIFICATE-----\n");
        Database main = load(Map.of("MAIN_DB_SSLMODE", "verify-full", "MAIN_DB_SSLROOTCERT", ca.toString()))
                .mainDb();

        assertThat(main.sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(main.jdbcUrl())
                .isEqualTo("jdbc:postgresql://localhost:5432/opsdb?sslmode=verify-full&sslrootcert="
                        + URLEncoder.encode(ca.toString(), StandardCharsets.UTF_8));
        assertThat(main.jdbcUrl(Map.of("reWriteBatchedInserts", "true"))).endsWith("&reWriteBatchedInserts=true");
        assertThat(load(Map.of()).mainDb().jdbcUrl(Map.of("reWriteBatchedInserts", "true")))
                .as("the driver's default TLS is not repeated")
                .isEqualTo("jdbc:postgresql://localhost:5432/opsdb?reWriteBatchedInserts=true");
    }

    @Test
    void anUnknownSslModeAndAMissingRootCertificateAreReportedTogether() {
        assertThatThrownBy(() -> load(Map.of("MAIN_DB_SSLMODE", "verify", "MAIN_DB_SSLROOTCERT", "/no/such/ca.pem")))
                .isInstanceOf(InvalidSiteConfigurationException.class)
                .hasMessageContaining(
                        "MAIN_DB_SSLMODE: must be one of disable, allow, prefer, require, verify-ca, verify-full")
                .hasMessageContaining("MAIN_DB_SSLROOTCERT: no readable file at '/no/such/ca.pem'");
    }

    @Test
    void aSecondaryWithoutAnExplicitSiteNameIsRefused() {
        assertThatThrownBy(() -> load(Map.of("SITE_TYPE", "secondary")))
                .isInstanceOf(InvalidSiteConfigurationException.class)
                .hasMessageContaining("SITE_NAME: must be set at a secondary");
        // Its default is a main site's only: an explicit name, the default's text included, is the operator's choice.
        assertThat(load(Map.of("SITE_TYPE", "secondary", "SITE_NAME", "summit")).siteName())
                .isEqualTo("summit");
        assertThat(load(Map.of("SITE_TYPE", "main")).siteName()).isEqualTo("institute");
    }

    @Test
    void readsTheSeedSystemsNames() {
        Map<String, String> env = new HashMap<>();
        env.put("SITE_NAME", "observatory");
        env.put("SITE_TYPE", "secondary");
        env.put("LOCAL_DB_PORT", "25432");
        env.put("LSN_CHECK_INTERVAL", "0.25");
        env.put("CRITICAL_OPERATIONS_BUFFER", "false");
        env.put("MAIN_DB_PASSWORD", "s3cret");
        SiteConfiguration config = load(env);
        assertThat(config.isSecondarySite()).isTrue();
        assertThat(config.buffersCriticalWrites()).isFalse();
        assertThat(config.localDb().port()).isEqualTo(25432);
        assertThat(config.lsnCheckInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.toString()).doesNotContain("s3cret");
        assertThat(config.mainDb().toString()).doesNotContain("s3cret");
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheSettingAndWhatIsAllowed() {
        Map<String, String> env = new HashMap<>();
        env.put("SITE_TYPE", "tertiary");
        env.put("LSN_CHECK_INTERVAL", "-1");
        env.put("MAIN_DB_HOST", " ");
        env.put("TRANSACTION_BUFFER_SIZE", "lots");
        env.put("SITE_NAME", "my.site");
        env.put("MAIN_DB_PASSWORD", "oops-not-shown");
        env.put("MAIN_DB_PORT", "70000");

        assertThatThrownBy(() -> load(env))
                .isInstanceOfSatisfying(
                        InvalidSiteConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly(
                                        "SITE_NAME: must be lower-case letters, digits, '-' or '_', starting with a letter, at most 63 (it prefixes topic names) (was 'my.site')",
                                        "SITE_TYPE: must be main or secondary (was 'tertiary')",
                                        "MAIN_DB_HOST: must not be empty (default localhost)",
                                        "MAIN_DB_PORT: must be a whole number from 1 to 65535 (was '70000')",
                                        "TRANSACTION_BUFFER_SIZE: must be a whole number from 1 to 100000000 (was 'lots')",
                                        "LSN_CHECK_INTERVAL: must be a number of seconds from 0.001 to 60 (was '-1')"))
                .hasMessageNotContaining("oops-not-shown");
    }

    @Test
    void bufferDurabilityIsFsyncUnlessThePageCacheIsAskedFor() {
        assertThat(load(Map.of("BUFFER_DURABILITY", "fsync")).bufferDurability())
                .isEqualTo(BufferDurability.FSYNC);
        assertThat(load(Map.of("BUFFER_DURABILITY", "page-cache")).bufferDurability())
                .isEqualTo(BufferDurability.PAGE_CACHE);
        assertThat(load(Map.of("BUFFER_DURABILITY", " Page-Cache ")).bufferDurability())
                .isEqualTo(BufferDurability.PAGE_CACHE);
        assertThat(BufferDurability.PAGE_CACHE.value()).isEqualTo("page-cache");
    }

    @Test
    void anUnknownBufferDurabilityIsRefusedInOneLine() {
        assertThatThrownBy(() -> load(Map.of("BUFFER_DURABILITY", "sync")))
                .isInstanceOfSatisfying(
                        InvalidSiteConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("BUFFER_DURABILITY: must be fsync or page-cache (was 'sync')"));
        assertThatThrownBy(() -> load(Map.of("BUFFER_DURABILITY", "page_cache")))
                .hasMessageContaining("BUFFER_DURABILITY: must be fsync or page-cache (was 'page_cache')");
        assertThatThrownBy(() -> load(Map.of("BUFFER_DURABILITY", "")))
                .isInstanceOfSatisfying(
                        InvalidSiteConfigurationException.class,
                        e -> assertThat(e.problems())
                                .containsExactly("BUFFER_DURABILITY: must not be empty (default fsync)"));
    }

    @Test
    void settledTransactionsAreKeptSevenDaysUnlessAnotherIsoDurationIsGiven() {
        assertThat(load(Map.of()).transactionStatusRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(load(Map.of("TRANSACTION_STATUS_RETENTION", "PT2M")).transactionStatusRetention())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(load(Map.of("TRANSACTION_STATUS_RETENTION", " p30d ")).transactionStatusRetention())
                .isEqualTo(Duration.ofDays(30));
    }

    @Test
    void aRetentionThatIsNotAnIsoDurationOrOutOfRangeIsRefusedInOneLine() {
        String allowed =
                "TRANSACTION_STATUS_RETENTION: must be an ISO-8601 duration (such as P7D or PT12H) from PT1S to P3650D";
        assertThatThrownBy(() -> load(Map.of("TRANSACTION_STATUS_RETENTION", "7 days")))
                .isInstanceOfSatisfying(
                        InvalidSiteConfigurationException.class,
                        e -> assertThat(e.problems()).containsExactly(allowed + " (was '7 days')"));
        assertThatThrownBy(() -> load(Map.of("TRANSACTION_STATUS_RETENTION", "PT0S")))
                .hasMessageContaining(allowed + " (was 'PT0S')");
        assertThatThrownBy(() -> load(Map.of("TRANSACTION_STATUS_RETENTION", "-P1D")))
                .hasMessageContaining(allowed + " (was '-P1D')");
        assertThatThrownBy(() -> load(Map.of("TRANSACTION_STATUS_RETENTION", "P3651D")))
                .hasMessageContaining(allowed + " (was 'P3651D')");
    }

    @Test
    void aPlaceholderSecretIsRefusedOutsideDevelopment() {
        assertThatThrownBy(() -> load(Map.of("SECRET_KEY", "change-me")))
                .hasMessage("SECRET_KEY: is a placeholder; set a real secret, or ENVIRONMENT=development");
        assertThat(load(Map.of("SECRET_KEY", "change-me", "ENVIRONMENT", "development"))
                        .development())
                .isTrue();
        assertThat(load(Map.of("SECRET_KEY", "9f8a7c6e5d4b3a2f1e0d")).secretKey())
                .isEqualTo("9f8a7c6e5d4b3a2f1e0d");
    }

    @Test
    void everySettingIsInTheGeneratedTable() {
        String table = SiteSetting.markdownTable();
        for (SiteSetting setting : SiteSetting.values()) {
            assertThat(table).contains("| `" + setting.variable() + "` |");
        }
        assertThat(table)
                .contains(
                        "| `LSN_CHECK_INTERVAL` | Seconds between polls of the replica's replay LSN; it is also polled 5 ms"
                                + " after a transaction becomes APPLIED (one such poll at a time). | `0.1` |");
        assertThat(table).contains("| `MAIN_DB_PASSWORD` | Password at the primary (secret: never logged). | none |");
    }
}
