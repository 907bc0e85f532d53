package io.opsdb.relay.infra.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The CPU time each process of the stack spent, read from {@code /proc}: where a 2-core machine's time goes while the
 * benchmark drives the system. A component is its process and every process below it (a PostgreSQL server is its
 * postmaster and the backends it forks); the benchmark's own JVM is counted as {@link #CLIENT}, since it shares the
 * machine with the system it measures.
 */
final class CpuAccounting {

    static final String CLIENT = "bench client";
    /** Linux's clock ticks per second for /proc's times ({@code getconf CLK_TCK}), the same on every Linux here. */
    static final long TICKS_PER_SECOND = 100;

    private final Path pids;
    private final Path proc;

    CpuAccounting(Path pidsDirectory) {
        this(pidsDirectory, Path.of("/proc"));
    }

    CpuAccounting(Path pidsDirectory, Path proc) {
        this.pids = pidsDirectory;
        this.proc = proc;
    }

    /** CPU ticks per component at one moment. */
    record Snapshot(long nanoTime, Map<String, Long> ticks) {}

    /** The share of one core each component used between two snapshots, in percent, the components in name order. */
    static Map<String, Double> percentOfOneCore(Snapshot from, Snapshot to) {
        double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
        Map<String, Double> percent = new LinkedHashMap<>();
        to.ticks().keySet().stream().sorted().forEach(component -> {
            Long before = from.ticks().get(component);
            if (before != null && seconds > 0) {
                long ticks = to.ticks().get(component) - before;
                percent.put(component, 100.0 * ticks / TICKS_PER_SECOND / seconds);
            }
        });
        return percent;
    }

    /** The JIT compilers' CPU ticks, summed over the stack's JVMs and the client's, at one moment. */
    record Compilers(long nanoTime, long ticks) {

        /** Their share of one core since {@code from}, in percent. */
        double percentOfOneCoreSince(Compilers from) {
            double seconds = (nanoTime - from.nanoTime) / 1e9;
            return seconds <= 0 ? 0 : 100.0 * (ticks - from.ticks) / TICKS_PER_SECOND / seconds;
        }
    }

    /**
     * The compiler threads' time ({@code C1 CompilerThread}, {@code C2 CompilerThread}; Linux keeps a thread's first 15
     * characters as its name) in each component's own process and in the client. A JVM compiles its hot code while it
     * warms up: on this machine, a fresh stack's compilers took about half of observatory-app's CPU in its first
     * minute of writes, so the benchmark measures once they have gone quiet.
     */
    Compilers compilers() {
        long ticks = 0;
        List<Long> processes = new ArrayList<>(componentPids().values());
        processes.add(ProcessHandle.current().pid());
        for (long pid : processes) {
            try (DirectoryStream<Path> threads =
                    Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("task"))) {
                for (Path thread : threads) {
                    ticks += compilerThreadTicks(thread);
                }
            } catch (IOException e) {
                // Ended since its pid was read: its compilers no longer count.
            }
        }
        return new Compilers(System.nanoTime(), ticks);
    }

    private static long compilerThreadTicks(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm"), StandardCharsets.UTF_8);
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            return Stat.parse(Files.readString(thread.resolve("stat"))).ticks();
        } catch (IOException | RuntimeException e) {
            return 0; // the thread ended since the listing
        }
    }

    Snapshot snapshot() {
        Map<Long, List<Long>> children = children();
        Map<String, Long> ticks = new HashMap<>();
        componentPids().forEach((component, pid) -> ticks.put(component, treeTicks(pid, children)));
        // Its own time only: the stack's processes were started from it, and are counted as themselves.
        ticks.put(CLIENT, stat(ProcessHandle.current().pid()).map(Stat::ticks).orElse(0L));
        return new Snapshot(System.nanoTime(), ticks);
    }

    /** Each component's pid, from its pid file; none when the stack is gone. */
    private Map<String, Long> componentPids() {
        Map<String, Long> components = new HashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pids, "*.pid")) {
            for (Path file : files) {
                String component = file.getFileName().toString().replaceFirst("\\.pid$", "");
                readPid(file).ifPresent(pid -> components.put(component, pid));
            }
        } catch (IOException e) {
            // No pid directory (the stack is gone): no components.
        }
        return components;
    }

    private long treeTicks(long pid, Map<Long, List<Long>> children) {
        long total =
                stat(pid).map(stat -> stat.ticks() + stat.endedChildrenTicks()).orElse(0L);
        for (long child : children.getOrDefault(pid, List.of())) {
            total += treeTicks(child, children);
        }
        return total;
    }

    private Map<Long, List<Long>> children() {
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                stat(pid)
                        .ifPresent(stat -> children.computeIfAbsent(stat.parent(), p -> new ArrayList<>())
                                .add(pid));
            }
        } catch (IOException e) {
            // No /proc: every component counts as its own process only.
        }
        return children;
    }

    private Optional<Stat> stat(long pid) {
        try {
            return Optional.of(
                    Stat.parse(Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"))));
        } catch (IOException | RuntimeException e) {
            // Gone since the listing (a backend that ended): its time is no longer counted anywhere.
            return Optional.empty();
        }
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(
                    Files.readString(file, StandardCharsets.UTF_8).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * What the benchmark needs of {@code /proc/<pid>/stat}: the parent, user plus system time in ticks, and that of its
     * children that have ended (a PostgreSQL backend that served one connection).
     */
    record Stat(long parent, long ticks, long endedChildrenTicks) {

        /**
         * Parses the line; the command name, in parentheses, may hold spaces and parentheses itself, so the fields are
         * counted from after its last ')'.
         */
        static Stat parse(String line) {
            String[] fields = line.substring(line.lastIndexOf(')') + 2).trim().split(" ");
            // After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), numbered from 1 as
            // proc(5) numbers them.
            return new Stat(
                    Long.parseLong(fields[1]),
                    Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
        }
    }

    /** One row per component, one column per phase: the share of one core, and the machine's total. */
    static String table(Map<String, Map<String, Double>> phases) {
        List<String> components = phases.values().stream()
                .flatMap(phase -> phase.keySet().stream())
                .distinct()
                .sorted()
                .toList();
        StringBuilder t = new StringBuilder("| component |");
        phases.keySet().forEach(phase -> t.append(' ').append(phase).append(" |"));
        t.append("\n|---|").append("---|".repeat(phases.size())).append('\n');
        for (String component : components) {
            t.append("| ").append(component).append(" |");
            phases.values()
                    .forEach(phase -> t.append(format(phase.get(component))).append(" |"));
            t.append('\n');
        }
        t.append("| **all** |");
        phases.values()
                .forEach(phase -> t.append(format(phase.values().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum()))
                        .append(" |"));
        return t.append('\n').toString();
    }

    private static String format(Double percent) {
        return percent == null ? " " : String.format(Locale.ROOT, " %.0f %%", percent);
    }
}
