package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.testsupport.RelayAppProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Invalid settings stop start-up, with one line per problem naming the setting and what is allowed. */
class SiteConfigurationIT {

    @Test
    void invalidSettingsStopStartUpReportingEveryProblemAtOnce() throws Exception {
        Path log =
                Path.of(System.getProperty("relay.home", "."), "system-tests", "target", "it-config", "relay-app.log");
        try (RelayAppProcess app = RelayAppProcess.start(
                Map.of(
                        "SITE_TYPE", "tertiary",
                        "LSN_CHECK_INTERVAL", "-1",
                        "MAIN_DB_HOST", "",
                        "TRANSACTION_BUFFER_SIZE", "lots",
                        "MAIN_DB_PASSWORD", "never-printed-7f3a"),
                log)) {
            assertThat(app.process().waitFor(90, TimeUnit.SECONDS))
                    .as("start-up stopped")
                    .isTrue();
            assertThat(app.process().exitValue()).isNotZero();
            assertThat(app.output())
                    .contains("SITE_TYPE: must be main or secondary (was 'tertiary')")
                    .contains("LSN_CHECK_INTERVAL: must be a number of seconds from 0.001 to 60 (was '-1')")
                    .contains("MAIN_DB_HOST: must not be empty (default localhost)")
                    .contains("TRANSACTION_BUFFER_SIZE: must be a whole number from 1 to 100000000 (was 'lots')")
                    .doesNotContain("never-printed-7f3a");
        }
    }

    @Test
    void aPlaceholderSecretKeyIsRefusedOutsideDevelopment() throws Exception {
        Path log = Path.of(
                System.getProperty("relay.home", "."), "system-tests", "target", "it-config", "relay-app-secret.log");
        try (RelayAppProcess app = RelayAppProcess.start(Map.of("SECRET_KEY", "change-me"), log)) {
            assertThat(app.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(app.process().exitValue()).isNotZero();
            assertThat(app.output())
                    .contains("SECRET_KEY: is a placeholder; set a real secret, or ENVIRONMENT=development")
                    .doesNotContain("change-me'");
        }
    }

    @Test
    void aSecondaryWithoutAnExplicitSiteNameDoesNotStart() throws Exception {
        Path log = Path.of(
                System.getProperty("relay.home", "."),
                "system-tests",
                "target",
                "it-config",
                "relay-app-site-name.log");
        try (RelayAppProcess app = RelayAppProcess.start(Map.of("SITE_TYPE", "secondary"), log)) {
            assertThat(app.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(app.process().exitValue()).isNotZero();
            assertThat(app.output())
                    .contains("SITE_NAME: must be set at a secondary: it is the site's MirrorMaker 2 alias and names"
                            + " its commands at the main site");
        }
    }
}
