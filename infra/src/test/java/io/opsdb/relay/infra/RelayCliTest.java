package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.LauncherPidFile;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.Processes;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        return new StackConfig(
                home,
                home.resolve(StackConfig.DEFAULT_WORK_DIR),
                StackPorts.defaults().withOffset(4000),
                true);
    }

    private int relay(String... args) {
        return RelayCli.run(
                args,
                this::config,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path aStackOnDisk() throws IOException {
        return aStackOnDisk(SiteList.DEFAULT);
    }

    private Path aStackOnDisk(SiteList sites) throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        Files.writeString(workDir.secrets().resolve("db-password"), "secret");
        Path wanSecrets = new WanCertificates(workDir).secretsFile();
        Files.createDirectories(wanSecrets.getParent());
        Files.writeString(wanSecrets, "store.password=secret\n");
        new StackManifest(Instant.parse("2026-11-29T18:00:00Z"), config().ports(), sites).writeTo(workDir.root());
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
        assertThat(err())
                .contains("already running")
                .contains("launcher pid " + running.pid())
                .contains("bin/relay stop");
        assertThat(workDir.resolve("secrets/db-password")).exists();
        assertThat(running.isAlive()).isTrue();
    }

    @Test
    void anOptionACommandDoesNotTakeIsRefusedWithTheUsage() {
        assertThat(relay("reset", "--force")).isEqualTo(1);
        assertThat(relay("stop", "--yes")).isEqualTo(1);
        assertThat(relay("status", "-v")).isEqualTo(1);

        assertThat(err().lines())
                .hasSize(3)
                .allSatisfy(line -> assertThat(line)
                        .startsWith("relay: unknown option")
                        .contains("usage: relay up [--sites a,b,c] | relay stop | relay status | relay reset --yes"));
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
        assertThat(out())
                .contains("stopped the stack in " + config().workDir() + " (launcher pid " + running.pid() + ")");
    }

    @Test
    void stopStopsTheComponentsACrashedLauncherLeftFromTheirPidFiles() throws IOException {
        aStackOnDisk();
        // A component as the stack records it: its pid in pids/, its command line naming the work directory.
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        Files.writeString(workDir.logFile(LocalStack.KAFKA_COLOGNE), "");
        leftover = new ProcessBuilder(
                        "tail",
                        "-f",
                        "/dev/null",
                        workDir.logFile(LocalStack.KAFKA_COLOGNE).toString())
                .start();
        PidFiles.write(workDir.pidFile(LocalStack.KAFKA_COLOGNE), leftover.pid());

        relay("status");
        int exit = relay("stop");

        assertThat(out())
                .contains(line(
                        LocalStack.KAFKA_COLOGNE, "cologne", String.valueOf(leftover.pid()), "23092", "not answering"));
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
        assertThat(lines.get(0)).isEqualTo("stack in " + config().workDir() + ", sites cologne (main), observatory");
        assertThat(lines.subList(2, lines.size()))
                .containsExactly(
                        line("launcher", "-", "-", "stopped"),
                        line("primary", "cologne", "19432", "stopped"),
                        line("replica", "observatory", "29432", "stopped"),
                        line("kafka-cologne", "cologne", "23092", "stopped"),
                        line("kafka-observatory", "observatory", "33092", "stopped"),
                        line("mm2-cologne", "observatory", "-", "stopped"),
                        line("mm2-observatory", "observatory", "-", "stopped"),
                        line("cologne-app", "cologne", "12000", "stopped"),
                        line("observatory-app", "observatory", "12001", "stopped"));
    }

    @Test
    void statusListsEverySitesComponentsWithThePortsOfThePattern() throws IOException {
        aStackOnDisk(SiteList.parse("observatory,summit,lab"));

        relay("status");

        List<String> lines = out().lines().toList();
        assertThat(lines.get(0)).endsWith("sites cologne (main), observatory, summit, lab");
        assertThat(lines)
                .contains(
                        line("replica-summit", "summit", "29442", "stopped"),
                        line("replica-lab", "lab", "29452", "stopped"),
                        line("kafka-summit", "summit", "33102", "stopped"),
                        line("mm2-cologne-summit", "summit", "-", "stopped"),
                        line("mm2-summit", "summit", "-", "stopped"),
                        line("summit-app", "summit", "12011", "stopped"),
                        line("lab-app", "lab", "12021", "stopped"));
        assertThat(lines).hasSize(2 + 1 + 3 + 5 * 3);
    }

    @Test
    void aNameLongerThanItsColumnIsKeptApartFromTheNext() {
        StackProcesses.ComponentStatus status = new StackProcesses.ComponentStatus(
                "mm2-cologne-observatory",
                "observatory",
                OptionalLong.empty(),
                OptionalInt.empty(),
                StackProcesses.State.STOPPED,
                "");

        assertThat(status.line()).startsWith("mm2-cologne-observatory observatory ");
    }

    @Test
    void upWithABadSiteListSaysWhatIsWrongInOneLine() {
        int exit = relay("up", "--sites", "observatory,Summit,cologne,observatory");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .startsWith("relay: invalid sites 'observatory,Summit,cologne,observatory': ")
                        .contains("'Summit' is not a site name")
                        .contains("'cologne' is the main site's name")
                        .contains("'observatory' is named twice"));
        assertThat(config().workDir()).doesNotExist();
    }

    @Test
    void upWithSitesButNoListSaysItNeedsOne() {
        assertThat(relay("up", "--sites")).isEqualTo(1);
        assertThat(err()).startsWith("relay: option --sites needs a value");
    }

    @Test
    void upWithSitesThatLeaveOutOneOfTheStacksRefusesAndNamesTheFix() throws IOException {
        Path workDir = aStackOnDisk(SiteList.parse("observatory,summit"));

        int exit = relay("up", "--sites", "observatory,lab");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("the stack in " + workDir
                                + " has the sites observatory,summit and --sites observatory,lab"
                                + " leaves out summit")
                        .contains("'bin/relay up --sites observatory,summit,<new site>' to add one")
                        .contains("'bin/relay reset --yes'"));
    }

    @Test
    void upWithANewSiteOnARunningStackAsksItsLauncherAndPrintsTheNewPorts() throws Exception {
        aStackOnDisk();
        aRunningLauncher();
        Path requests = new WorkDirectory(config().workDir()).requests();
        // Plays the launcher's part: answers the request it finds.
        Thread launcherSide = new Thread(() -> {
            try {
                Await.until(
                        () -> Files.isDirectory(requests)
                                && Files.list(requests)
                                        .anyMatch(file -> file.toString().endsWith(".request")),
                        Duration.ofSeconds(30),
                        "a request is there");
                try (var files = Files.list(requests)) {
                    Path request = files.filter(file -> file.toString().endsWith(".request"))
                            .findFirst()
                            .orElseThrow();
                    String id = request.getFileName().toString().replace(".request", "");
                    // Written aside and moved into place, as the launcher answers: never seen half written.
                    Path answer = requests.resolve(id + ".added.tmp");
                    Files.writeString(
                            answer, "asked for " + Files.readString(request).strip());
                    Files.move(answer, requests.resolve(id + ".added"), StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        launcherSide.start();

        int exit = relay("up", "--sites", "observatory,summit");
        launcherSide.join(30_000);

        assertThat(exit).as(err()).isZero();
        assertThat(out())
                .contains("asking the running stack (launcher pid " + launcher.pid() + ") to add summit")
                .contains("relay: asked for observatory,summit")
                .containsPattern(
                        "summit +secondary +http://127.0.0.1:12011 +33102 \\(33103\\) +29442 \\(replica-summit\\)");
        try (var left = Files.list(requests)) {
            assertThat(left.map(file -> file.getFileName().toString()))
                    .as("request and answer are removed")
                    .isEmpty();
        }
    }

    @Test
    void upWithTheSitesARunningStackHasSaysItRuns() throws IOException {
        aStackOnDisk();
        ProcessHandle running = aRunningLauncher();

        int exit = relay("up", "--sites", "observatory");

        assertThat(exit).isEqualTo(1);
        assertThat(err())
                .contains("already running")
                .contains("launcher pid " + running.pid())
                .contains("with the sites observatory");
    }

    @Test
    void demoWithABadSiteListSaysWhatIsWrongInOneLine() {
        int exit = relay("demo", "--sites", "lab,lab");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines())
                .singleElement()
                .satisfies(line -> assertThat(line).isEqualTo("relay: invalid sites 'lab,lab': 'lab' is named twice"));
    }

    @Test
    void statusShowsThePortsTheStackWasMadeWithNotThoseOfTheEnvironment() throws IOException {
        WorkDirectory workDir = new WorkDirectory(config().workDir());
        workDir.create();
        new StackManifest(Instant.now(), StackPorts.defaults().withOffset(4500)).writeTo(workDir.root());

        relay("status");

        assertThat(out()).contains(line("primary", "cologne", "19932", "stopped"));
    }

    @Test
    void statusSaysAStartedLauncherRuns() throws IOException {
        aStackOnDisk();
        ProcessHandle running = aRunningLauncher();

        int exit = relay("status");

        assertThat(exit).isEqualTo(RelayCli.NOT_RUNNING);
        assertThat(out()).contains(line("launcher", "-", String.valueOf(running.pid()), "-", "running"));
    }

    @Test
    void upOnAStackMadeBeforeTheWanWasEncryptedSuggestsAResetInOneLine() throws IOException {
        Path workDir = aStackOnDisk();
        Files.delete(new WanCertificates(new WorkDirectory(workDir)).secretsFile());

        int exit = relay("up");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines())
                .singleElement()
                .satisfies(line -> assertThat(line)
                        .contains("was made before the WAN between its sites was encrypted")
                        .contains("run 'bin/relay reset --yes'"));
        assertThat(workDir.resolve("secrets/db-password")).exists();
    }

    @Test
    void upOnAWorkDirectoryWhoseFirstStartDidNotFinishSuggestsAResetInOneLine() throws IOException {
        Path primary = config().workDir().resolve("postgres/primary");
        Files.createDirectories(primary);
        Files.writeString(primary.resolve("PG_VERSION"), "15\n");

        int exit = relay("up");

        assertThat(exit).isEqualTo(1);
        assertThat(err().lines())
                .singleElement()
                .satisfies(line ->
                        assertThat(line).contains("holds an incomplete stack").contains("run 'bin/relay reset --yes'"));
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
        new StackManifest(Instant.now(), config().ports().with(StackPorts.Port.PRIMARY_DB, 15432))
                .writeTo(workDir.root());

        int exit = relay("up");

        assertThat(exit).isEqualTo(1);
        assertThat(err())
                .contains("PRIMARY_DB_PORT=19432 (the stack was made with 15432)")
                .doesNotContain("REPLICA_DB_PORT");
    }

    private static String line(String name, String site, String port, String state) {
        return line(name, site, "-", port, state);
    }

    private static String line(String name, String site, String pid, String port, String state) {
        return String.format("%-20s %-12s %-8s %-6s %s", name, site, pid, port, state);
    }
}
