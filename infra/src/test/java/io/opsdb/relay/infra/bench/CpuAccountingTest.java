package io.opsdb.relay.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuAccountingTest {

    @TempDir
    Path dir;

    @Test
    void aProcessStatLineIsReadPastItsCommandNameWhateverTheNameHolds() {
        CpuAccounting.Stat stat = CpuAccounting.Stat.parse(
                "4242 (postgres: wal (writer) x) S 4200 4200 4200 0 -1 4194560 93 0 0 0 150 25 7 3 20 0 1 0");

        assertThat(stat.parent()).isEqualTo(4200);
        assertThat(stat.ticks()).isEqualTo(175);
        assertThat(stat.endedChildrenTicks()).isEqualTo(10);
    }

    @Test
    void aComponentIsItsProcessWithEveryProcessBelowItAndTheClientOnlyItself() throws Exception {
        Path proc = dir.resolve("proc");
        Path pids = dir.resolve("pids");
        Files.createDirectories(pids);
        long self = ProcessHandle.current().pid();
        // The client (this JVM) started the postmaster, which forked two backends; one of them forked again.
        stat(proc, self, 1, 500, 0);
        stat(proc, 100, self, 10, 40);
        stat(proc, 101, 100, 5, 0);
        stat(proc, 102, 100, 7, 0);
        stat(proc, 103, 102, 3, 0);
        stat(proc, 200, self, 60, 0);
        Files.writeString(pids.resolve("primary.pid"), "100\n");
        Files.writeString(pids.resolve("kafka-observatory.pid"), "200\n");
        Files.writeString(pids.resolve("gone.pid"), "999\n");

        CpuAccounting.Snapshot snapshot = new CpuAccounting(pids, proc).snapshot();

        assertThat(snapshot.ticks())
                .containsEntry("primary", 10L + 40 + 5 + 7 + 3)
                .containsEntry("kafka-observatory", 60L)
                .containsEntry("gone", 0L)
                .containsEntry(CpuAccounting.CLIENT, 500L);
    }

    @Test
    void sharesOfOneCoreComeFromTheTicksBetweenTwoSnapshots() {
        CpuAccounting.Snapshot from = new CpuAccounting.Snapshot(0, Map.of("a", 100L, "b", 0L));
        CpuAccounting.Snapshot to = new CpuAccounting.Snapshot(2_000_000_000L, Map.of("a", 250L, "b", 20L, "new", 5L));

        Map<String, Double> percent = CpuAccounting.percentOfOneCore(from, to);

        assertThat(percent).containsExactly(Map.entry("a", 75.0), Map.entry("b", 10.0));
    }

    @Test
    void theTableHasARowPerComponentAColumnPerPhaseAndTheTotal() {
        Map<String, Map<String, Double>> phases = new LinkedHashMap<>();
        phases.put("idle", Map.of("a", 10.0, "b", 5.0));
        phases.put("load", Map.of("a", 90.0, "b", 60.4));

        assertThat(CpuAccounting.table(phases))
                .isEqualTo("| component | idle | load |\n|---|---|---|\n| a | 10 % | 90 % |\n| b | 5 % | 60 % |\n"
                        + "| **all** | 15 % | 150 % |\n");
    }

    @Test
    void thisProcessUsesCpuAsTheRealProcFileSystemTellsIt() {
        CpuAccounting accounting = new CpuAccounting(dir);
        CpuAccounting.Snapshot before = accounting.snapshot();
        long spin = System.nanoTime() + 300_000_000L;
        double sink = 0;
        while (System.nanoTime() < spin) {
            sink += Math.sqrt(sink + 1);
        }
        CpuAccounting.Snapshot after = accounting.snapshot();

        assertThat(sink).isPositive();
        assertThat(after.ticks().get(CpuAccounting.CLIENT))
                .isGreaterThan(before.ticks().get(CpuAccounting.CLIENT));
    }

    @Test
    void theCompilersAreTheJitThreadsOfEveryComponentAndOfTheClient() throws Exception {
        Path proc = dir.resolve("proc");
        Path pids = dir.resolve("pids");
        Files.createDirectories(pids);
        long self = ProcessHandle.current().pid();
        thread(proc, self, 1, "C2 CompilerThre", 30);
        thread(proc, self, 2, "main", 500);
        thread(proc, 200, 201, "C2 CompilerThre", 70);
        thread(proc, 200, 202, "C1 CompilerThre", 5);
        thread(proc, 200, 203, "data-plane-kafk", 900);
        thread(proc, 300, 301, "postgres", 40);
        Files.writeString(pids.resolve("kafka-observatory.pid"), "200\n");
        Files.writeString(pids.resolve("primary.pid"), "300\n");
        Files.writeString(pids.resolve("gone.pid"), "999\n");

        CpuAccounting.Compilers compilers = new CpuAccounting(pids, proc).compilers();

        assertThat(compilers.ticks()).isEqualTo(30 + 70 + 5);
        // 100 ticks are a second of CPU: over two seconds, half a core.
        assertThat(new CpuAccounting.Compilers(compilers.nanoTime() + 2_000_000_000L, compilers.ticks() + 100)
                        .percentOfOneCoreSince(compilers))
                .isEqualTo(50.0);
    }

    private static void thread(Path proc, long pid, long tid, String name, long ticks) throws Exception {
        Path dir = proc.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(tid));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("comm"), name + "\n");
        Files.writeString(
                dir.resolve("stat"), tid + " (" + name + ") S 1 1 1 0 -1 0 0 0 0 0 " + ticks + " 0 0 0 20 0 1 0\n");
    }

    private static void stat(Path proc, long pid, long parent, long ticks, long endedChildren) throws Exception {
        Path dir = proc.resolve(Long.toString(pid));
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("stat"),
                pid + " (java) S " + parent + " 1 1 0 -1 0 0 0 0 0 " + ticks + " 0 " + endedChildren + " 0 20 0 1 0\n");
    }
}
