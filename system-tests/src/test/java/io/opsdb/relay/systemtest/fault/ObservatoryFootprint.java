package io.opsdb.relay.systemtest.fault;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.Site;
import io.opsdb.relay.testsupport.SiteHttp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What producer-secondary takes of the machine at one moment.
 *
 * @param heap its heap in use (from its metrics)
 * @param rss its resident set size (from /proc): heap, RocksDB, everything
 * @param stateDir bytes under its Kafka Streams state directory (the RocksDB stores on disk, with their logs)
 * @param tables bytes of the stores' table files ({@code *.sst}): their data, live or deleted but not yet compacted
 */
record ObservatoryFootprint(long heap, long rss, long stateDir, long tables) {

    static ObservatoryFootprint read(LocalStack stack, SiteHttp observatory) throws Exception {
        String metrics = observatory.get("/actuator/prometheus").body();
        long heap = (long) metrics.lines()
                .filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
        Path pidFile = stack.workDir().resolve("pids").resolve(LocalStack.OBSERVATORY_APP + ".pid");
        String pid = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        long rssKib = Files.readAllLines(Path.of("/proc", pid, "status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElseThrow();
        // STATE_DIR as the launcher sets it, with the site's own subdirectory (TransactionStateStreams).
        Path stateDir = stack.workDir().resolve("streams").resolve(Site.OBSERVATORY.siteName());
        // One walk for both sums, so that a compaction between two walks cannot make the tables outweigh the whole.
        long all = 0;
        long tables = 0;
        for (Path file : files(stateDir)) {
            long size = size(file);
            all += size;
            if (file.toString().endsWith(".sst")) {
                tables += size;
            }
        }
        return new ObservatoryFootprint(heap, rssKib * 1024, all, tables);
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            // RocksDB removed it (a compaction) between the listing and this look.
            return 0;
        }
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    @Override
    public String toString() {
        return "heap " + mib(heap) + ", RSS " + mib(rss) + ", state dir " + mib(stateDir) + " (tables " + mib(tables)
                + ")";
    }
}
