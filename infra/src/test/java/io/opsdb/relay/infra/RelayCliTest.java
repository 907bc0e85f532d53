package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.opsdb.relay.infra.process.LauncherPidFile;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.Processes;
import io.opsdb.relay.infra.process.WorkDirectory;

/**
 * {@code bin/relay stop}, {@code status} and {@code reset}: their arguments, the confirmation reset asks for, and what
 * they do to a work directory and to a launcher process (a real one: a {@code sleep} recorded as the launcher).
 */
class RelayCliTest {

    @TempDir
    Path home;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private Process launcher;
    private Process leftover;

    @AfterEach
    void killProcesses() {
        for (Process process : new Process[] {launcher, leftover}) {
            if (process != null) {
                Processes.killWithDescendants(process.toHandle());
            }
        }
    }

    private StackConfig config() {
        return new StackConfig(home, home.resolve(StackConfig.DEFAULT_WORK_DIR), StackPorts.defaults().withOffset(4000), true);
    }

    private int relay(String... args) {
        return RelayCli.run(args, this::config, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path aStackOnDisk() throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        Files.writeString(workDir.secrets().resolve("db-password"), "secret");
        new StackManifest(Instant.parse("2026-11-29T18:00:00Z"), config().ports()).writeTo(workDir.root());
        return workDir.root();
    }

    /** A process recorded as the stack's launcher, as a running {@code bin/relay up} records itself. */
    private ProcessHandle aRunningLauncher() throws IOException {
        launcher = new ProcessBuilder("sleep", "300").start();
        new LauncherPidFile(new WorkDirectory(config().workDir()).launcherPidFile()).write(launcher.toHandle());
        return launcher.toHandle();
    }

    @Test
    void resetWithoutYesAsksForItAndDeletesNothing() throws IOException {
        Path workDir = aStackOnDisk();

        int exit = relay("reset");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains("reset deletes " + workDir).contains("bin/relay reset --yes");
        assertThat(workDir.resolve("secrets/db-password")).exists();
    }

    @Test
    void resetWithYesDeletesTheWorkDirectory() throws IOException {
        Path workDir = aStackOnDisk();

        int exit = relay("reset", "--yes");

        assertThat(exit).as(err()).isZero();
        assertThat(workDir).doesNotExist();
        assertThat(out()).contains("deleted " + workDir);
    }

    @Test
    void resetRefusesWhileALauncherRunsAndKeepsTheWorkDirectory() throws IOException {
        Path workDir = aStackOnDisk();
        ProcessHandle running = aRunningLauncher();

        int exit = relay("reset", "--yes");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains("already running").contains("launcher pid " + running.pid()).contains("bin/relay stop");
        assertThat(workDir.resolve("secrets/db-password")).exists();
        assertThat(running.isAlive()).isTrue();
    }

    @Test
    void anOptionACommandDoesNotTakeIsRefusedWithTheUsage() {
        assertThat(relay("reset", "--force")).isEqualTo(1);
        assertThat(relay("stop", "--yes")).isEqualTo(1);
        assertThat(relay("status", "-v")).isEqualTo(1);

        assertThat(err().lines()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("relay: unknown option")
                .contains("usage: relay up | relay stop | relay status | relay reset --yes"));
    }

    @Test
    void stopWithNothingRunningSaysSoAndSucceeds() throws IOException {
        aStackOnDisk();

        int exit = relay("stop");

        assertThat(exit).isZero();
        assertThat(out()).contains("no stack is running from " + config().workDir());
    }

    @Test
    void stopSignalsTheLauncherAndReturnsOnceItIsGone() throws Exception {
        aStackOnDisk();
        ProcessHandle running = aRunningLauncher();

        int exit = relay("stop");

        assertThat(exit).as(err()).isZero();
        assertThat(running.isAlive()).isFalse();
        assertThat(out()).contains("stopped the stack in " + config().workDir() + " (launcher pid " + running.pid() + ")");
    }

    @Test
    void stopStopsTheComponentsACrashedLauncherLeftFromTheirPidFiles() throws IOException {
        aStackOnDisk();
        // A component as the stack records it: its pid in pids/, its command line naming the work directory.
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        Files.writeString(workDir.logFile(LocalStack.KAFKA_COLOGNE), "");
        leftover = new ProcessBuilder("tail", "-f", "/dev/null", workDir.logFile(LocalStack.KAFKA_COLOGNE).toString()).start();
        PidFiles.write(workDir.pidFile(LocalStack.KAFKA_COLOGNE), leftover.pid());

        relay("status");
        int exit = relay("stop");

        assertThat(out()).contains(line(LocalStack.KAFKA_COLOGNE, String.valueOf(leftover.pid()), "23092", "not answering"));
        assertThat(exit).as(err()).isZero();
        assertThat(leftover.isAlive()).isFalse();
        assertThat(out()).contains("stopped kafka-cologne, left running without a launcher");
    }

    @Test
    void statusListsTheLauncherAndEveryComponentWithItsPortAndExitsThreeWhenNothingRuns() throws IOException {
        aStackOnDisk();

        int exit = relay("status");

        assertThat(exit).isEqualTo(RelayCli.NOT_RUNNING);
        List<String> lines = out().lines().toList();
        assertThat(lines.get(1)).isEqualTo(StackProcesses.ComponentStatus.HEADING);
        assertThat(lines.subList(2, lines.size())).containsExactly(
                line("launcher", "-", "stopped"),
                line("primary", "19432", "stopped"),
                line("replica", "29432", "stopped"),
                line("kafka-cologne", "23092", "stopped"),
                line("kafka-observatory", "33092", "stopped"),
                line("mm2-cologne", "-", "stopped"),
                line("mm2-observatory", "-", "stopped"),
                line("cologne-app", "12000", "stopped"),
                line("observatory-app", "12001", "stopped"));
    }

    @Test
    void statusShowsThePortsTheStackWasMadeWithNotThoseOfTheEnvironment() throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        new StackManifest(Instant.now(), StackPorts.defaults().withOffset(4500)).writeTo(workDir.root());

        relay("status");

        assertThat(out()).contains(line("primary", "19932", "stopped"));
    }

    @Test
    void statusSaysAStartedLauncherRuns() throws IOException {
        aStackOnDisk();
        ProcessHandle running = aRunningLauncher();

        int exit = relay("status");

        assertThat(exit).isEqualTo(RelayCli.NOT_RUNNING);
        assertThat(out()).contains(line("launcher", String.valueOf(running.pid()), "-", "running"));
    }

    @Test
    void upOnAWorkDirectoryWhoseFirstStartDidNotFinishSuggestsAResetInOneLine() throws IOException {
        Path primary = config().workDir().resolve("postgres/primary");
        Files.createDirectories(primary);
        Files.writeString(primary.resolve("PG_VERSION"), "15\n");

        int exit = relay("up");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines()).singleElement().satisfies(line -> assertThat(line)
                .contains("holds an incomplete stack").contains("run 'bin/relay reset --yes'"));
        assertThat(primary.resolve("PG_VERSION")).exists();
    }

    @Test
    void upAfterAFirstStartThatFailedBeforeAnyComponentMakesANewStackThere() throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        Files.writeString(workDir.secrets().resolve("db-password"), "stale");
        Files.writeString(workDir.logFile("primary"), "initdb: not found\n");

        int exit = relay("up");

        // It went on to build the stack, which needs a build this temporary project root does not have.
        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains("runtime-classpath.txt not found").doesNotContain("incomplete");
        assertThat(workDir.logFile("primary")).doesNotExist();
        assertThat(Files.readString(workDir.secrets().resolve("db-password"))).isNotEqualTo("stale");
    }

    @Test
    void upOnAStackMadeWithOtherPortsNamesTheChangedVariables() throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        new StackManifest(Instant.now(), config().ports().with(StackPorts.Port.PRIMARY_DB, 15432)).writeTo(workDir.root());

        int exit = relay("up");

        assertThat(exit).isEqualTo(1);
        assertThat(err()).contains("PRIMARY_DB_PORT=19432 (the stack was made with 15432)")
                .doesNotContain("REPLICA_DB_PORT");
    }

    private static String line(String name, String port, String state) {
        return line(name, "-", port, state);
    }

    private static String line(String name, String pid, String port, String state) {
        return String.format("%-20s %-8s %-6s %s", name, pid, port, state);
    }
}
