package io.opsdb.relay.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayBenchmarkTest {

    @Test
    void optionsOverrideTheDefaultsOneByOne() {
        RelayBenchmark.Options options = RelayBenchmark.Options.parse(
                new String[] {"bench", "--rate", "250", "--backlog", "500", "--warmup", "30"}, 1);

        assertThat(options.rate()).isEqualTo(250);
        assertThat(options.backlog()).isEqualTo(500);
        assertThat(options.warmup()).isEqualTo(30);
        assertThat(options.seconds())
                .isEqualTo(RelayBenchmark.Options.defaults().seconds());
        assertThat(options.clients())
                .isEqualTo(RelayBenchmark.Options.defaults().clients());
    }

    @Test
    void anUnknownOptionOrANonPositiveValueIsRefusedWithTheUsage() {
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"bench", "--rates", "1"}, 1))
                .hasMessageContaining("unknown option --rates")
                .hasMessageContaining("--visible-rate");
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"bench", "--seconds", "0"}, 1))
                .hasMessageContaining("--seconds needs a positive number");
        assertThatThrownBy(() -> RelayBenchmark.Options.parse(new String[] {"bench", "--clients"}, 1))
                .hasMessageContaining("needs a value");
    }

    @Test
    void theLatestRunReplacesOnlyItsOwnSectionOfTheReport(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("docs/performance.md");
        RelayBenchmark.writeReport(report, "first table\n", "bench: first");
        Files.writeString(
                report,
                "# Performance\n\n## Before the changes\n\nbaseline table\n\n"
                        + Files.readString(report)
                                .substring(Files.readString(report).indexOf("<!-- bench:latest:begin -->")));

        RelayBenchmark.writeReport(report, "second table\n", "bench: second");

        String text = Files.readString(report);
        assertThat(text).contains("baseline table").contains("second table").doesNotContain("first table");
        assertThat(text.indexOf("<!-- bench:latest:begin -->"))
                .isEqualTo(text.lastIndexOf("<!-- bench:latest:begin -->"));
    }

    @Test
    void theCpuPerWriteIsTheMachinesTimeOverIdleDividedByTheRateAndTheTableShowsEveryPhase() {
        Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
        cpu.put("idle", Map.of("observatory-app", 10.0, "kafka-observatory", 10.0));
        cpu.put("ack 100/s", Map.of("observatory-app", 70.0, "kafka-observatory", 50.0));
        cpu.put("sustained 300/s", Map.of("observatory-app", 95.0, "kafka-observatory", 60.0));
        RelayBenchmark.Figures figures = figures(cpu);

        // 100 % of one core over idle is 10 ms of CPU per second, at 100 writes per second.
        assertThat(RelayBenchmark.cpuPerWriteMillis(figures)).isEqualTo(10.0);
        assertThat(RelayBenchmark.table(figures, RelayBenchmark.Options.defaults()))
                .contains("| component | idle | ack 100/s | sustained 300/s |")
                .contains("| observatory-app | 10 % | 70 % | 95 % |")
                .contains("| **all** | 20 % | 120 % | 155 % |")
                .contains("CPU per acknowledged write over idle, whole machine: 10.0 ms at 100/s.")
                .contains(
                        "after a warm-up of 12000 writes in 61 s (64 clients, closed loop), in which the JIT compilers of"
                                + " all the JVMs went from 48 % of a core (first 15 s) to 7 % (last 15 s)");
    }

    private static RelayBenchmark.Figures figures(Map<String, Map<String, Double>> cpu) {
        OpenLoop.Result open = new OpenLoop.Result(new Histogram(3), 0, Duration.ofSeconds(20));
        RelayBenchmark.Latencies latencies = new RelayBenchmark.Latencies(new Histogram(3), 0);
        return new RelayBenchmark.Figures(
                new RelayBenchmark.Warmup(12_000, 61, 48, 7),
                open,
                open,
                100,
                latencies,
                20,
                300,
                64,
                0,
                0,
                0,
                latencies,
                1000,
                2000,
                40000,
                1900,
                400,
                cpu);
    }
}
