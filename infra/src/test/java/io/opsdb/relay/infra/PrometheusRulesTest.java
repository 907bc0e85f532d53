package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code infra/observability}'s alert rules and scrape configuration are what Prometheus accepts, as its own
 * {@code promtool} checks them (Debian's {@code prometheus} package; {@code .ci/run} installs it, so CI always runs
 * this). Which metric names they use is checked against the running applications by ObservabilityMetricsIT.
 */
class PrometheusRulesTest {

    private static final Path OBSERVABILITY = Path.of("observability");

    @Test
    void alertRulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", OBSERVABILITY.resolve("rules.yml").toString()))
                .contains("SUCCESS: 8 rules found");
    }

    @Test
    void scrapeConfigurationIsValidAndLoadsTheRules() throws Exception {
        assertThat(promtool(
                        "check",
                        "config",
                        OBSERVABILITY.resolve("prometheus.yml").toString()))
                .contains("SUCCESS: 1 rule files found");
    }

    /** Runs promtool and returns its output; fails unless it exits with 0. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        assumeTrue(onPath("promtool"), "promtool is not installed (Debian: apt-get install prometheus; .ci/run does)");
        Process process = new ProcessBuilder(
                        Stream.concat(Stream.of("promtool"), Stream.of(args)).toList())
                .redirectErrorStream(true)
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as("promtool finished")
                .isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static boolean onPath(String command) {
        return List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }
}
