package io.opsdb.relay.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayBenchmarkTest {

    @Test
    void optionsOverrideTheDefaultsOneByOne() {
        RelayBenchmark.Options options =
                RelayBenchmark.Options.parse(new String[] {"bench", "--rate", "250", "--backlog", "500"}, 1);

        assertThat(options.rate()).isEqualTo(250);
        assertThat(options.backlog()).isEqualTo(500);
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
}
