package io.opsdb.relay.infra.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.infra.StackException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's supervision, on real child processes: a shell script that counts its launches in a file and exits
 * with code 3 on the launches it is told to.
 */
class JvmProcessComponentTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private Script component;

    @AfterEach
    void stop() {
        if (component != null) {
            component.stop();
        }
    }

    @Test
    void aReadyProcessThatExitsOnItsOwnIsStartedAgainAndIsReadyOnceMore() throws Exception {
        // The first launch becomes ready, then exits 3 a moment later; the second stays.
        component = new Script("exit-later", "1", false);
        component.start();
        assertThat(component.launches()).isEqualTo(1);

        awaitTrue(() -> component.launches() == 2 && component.isRunning(), "the second launch runs");
        assertThat(Files.readString(component.log(), StandardCharsets.UTF_8))
                .as("each launch's output, appended")
                .contains("launch 1", "launch 2");
    }

    @Test
    void aKilledOrStoppedProcessIsNotStartedAgain() throws Exception {
        component = new Script("killed", "", false);
        component.start();
        component.kill();
        assertThat(component.isRunning()).isFalse();
        holdsFor(() -> component.launches() == 1, Duration.ofSeconds(3), "no launch after kill");

        component.start();
        assertThat(component.launches()).isEqualTo(2);
        component.stop();
        holdsFor(() -> component.launches() == 2, Duration.ofSeconds(3), "no launch after stop");
        assertThat(component.isRunning()).isFalse();
    }

    @Test
    void aProcessThatExitsWhileStartingFailsTheStartWithItsLogUnlessItsExitsMayPass() throws Exception {
        // Exits 3 on its first launch, before it is ready.
        Script refusing = new Script("refusing", "1", false, true);
        assertThatThrownBy(refusing::start)
                .isInstanceOf(StackException.class)
                .hasMessageContaining("refusing exited with code 3 while starting")
                .hasMessageContaining("launch 1");
        holdsFor(() -> refusing.launches() == 1, Duration.ofSeconds(3), "no launch after a failed start");

        component = new Script("retried", "1 2", true, true);
        component.start();
        assertThat(component.launches()).as("launches until one was ready").isEqualTo(3);
        assertThat(component.isRunning()).isTrue();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
            Thread.sleep(50);
        }
    }

    private static void holdsFor(BooleanSupplier condition, Duration period, String what) throws InterruptedException {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            assertThat(condition.getAsBoolean()).as(what).isTrue();
            Thread.sleep(50);
        }
    }

    /**
     * A component whose process is {@code sh}: each launch appends a line to {@code <name>.launches}, another to
     * {@code <name>.ready} once it is ready, and exits 3 if its number is listed, before it is ready or a second
     * after.
     */
    private final class Script extends JvmProcessComponent {

        private final Path launches;
        private final Path ready;
        private final String failingLaunches;
        private final boolean retries;
        private final boolean failsBeforeReady;
        private volatile int launching;

        Script(String name, String failingLaunches, boolean retries) {
            this(name, failingLaunches, retries, false);
        }

        Script(String name, String failingLaunches, boolean retries, boolean failsBeforeReady) {
            super(name, TIMEOUT, workDir(), null);
            this.launches = dir.resolve(name + ".launches");
            this.ready = dir.resolve(name + ".ready");
            this.failingLaunches = failingLaunches;
            this.retries = retries;
            this.failsBeforeReady = failsBeforeReady;
        }

        @Override
        protected List<String> command() {
            // Read before the launch: the previous launch's number in the ready file must not count for this one.
            launching = launches() + 1;
            String script = "echo x >> '" + launches + "'; n=$(wc -l < '" + launches + "'); echo \"launch $n\"; "
                    + "case ' " + failingLaunches + " ' in *\" $n \"*) "
                    + (failsBeforeReady ? "" : "echo $n >> '" + ready + "'; sleep 1; ")
                    + "exit 3;; esac; echo $n >> '" + ready + "'; exec sleep 600";
            return List.of("sh", "-c", script);
        }

        @Override
        protected boolean retriesExitWhileStarting() {
            return retries;
        }

        @Override
        protected boolean isReady() {
            // This launch has written its number.
            return readLines(ready).contains(String.valueOf(launching));
        }

        @Override
        protected String readiness() {
            return name() + " counted its launch";
        }

        int launches() {
            return lines(launches);
        }

        Path log() {
            return workDir.logFile(name());
        }
    }

    private static int lines(Path file) {
        return readLines(file).size();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private WorkDirectory workDir() {
        WorkDirectory work = new WorkDirectory(dir.resolve("work"));
        work.create();
        return work;
    }
}
