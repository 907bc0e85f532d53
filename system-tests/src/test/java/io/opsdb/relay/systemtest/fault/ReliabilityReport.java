package io.opsdb.relay.systemtest.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fault suite's results: each scenario records one row, and the whole table is written again after each,
 * as {@code system-tests/target/reliability/reliability.md}, ready to be copied into {@code docs/reliability.md}.
 */
final class ReliabilityReport {

    private static final Path DIR =
            Path.of(System.getProperty("relay.home", "."), "system-tests", "target", "reliability");
    private static final Path ROWS = DIR.resolve("rows.tsv");
    private static final Path TABLE = DIR.resolve("reliability.md");

    /** One scenario's figures. */
    record Row(
            String scenario,
            int acknowledged,
            int lost,
            int duplicated,
            int failed,
            Duration longestRecovery,
            String notes,
            String command) {}

    private ReliabilityReport() {}

    static synchronized void record(Row row) throws IOException {
        Files.createDirectories(DIR);
        String line = String.join(
                        "\t",
                        row.scenario(),
                        String.valueOf(row.acknowledged()),
                        String.valueOf(row.lost()),
                        String.valueOf(row.duplicated()),
                        String.valueOf(row.failed()),
                        String.valueOf(row.longestRecovery().toMillis()),
                        row.notes().replace('\t', ' ').replace('\n', ' '),
                        row.command(),
                        Instant.now().toString())
                + "\n";
        Files.writeString(ROWS, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        Files.writeString(TABLE, render(), StandardCharsets.UTF_8);
    }

    /** The latest row of each scenario, in scenario order. */
    private static String render() throws IOException {
        Map<String, String[]> latest = new TreeMap<>();
        for (String line : Files.readAllLines(ROWS, StandardCharsets.UTF_8)) {
            String[] cells = line.split("\t", -1);
            latest.put(cells[0], cells);
        }
        StringBuilder table = new StringBuilder("""
                | scenario | acknowledged | lost | duplicated | failed | longest recovery | notes | reproduce |
                |---|---:|---:|---:|---:|---:|---|---|
                """);
        for (String[] cells : latest.values()) {
            table.append("| ")
                    .append(cells[0])
                    .append(" | ")
                    .append(cells[1])
                    .append(" | ")
                    .append(cells[2])
                    .append(" | ")
                    .append(cells[3])
                    .append(" | ")
                    .append(cells[4])
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f s", Long.parseLong(cells[5]) / 1000.0))
                    .append(" | ")
                    .append(cells[6])
                    .append(" | `")
                    .append(cells[7])
                    .append("` |\n");
        }
        return table.toString();
    }

    /** The command that runs one fault test class at full size (for a parameterized one, all its cases). */
    static String command(Class<?> test) {
        return "./mvnw -P faults verify -Dit.test=" + test.getSimpleName();
    }
}
