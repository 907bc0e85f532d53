package io.opsdb.relay.infra.process;

import io.opsdb.relay.infra.StackException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A child process of the stack: output appended to its log file, pid recorded in its pid file, and in a
 * session of its own.
 */
public final class SupervisedProcess {

    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Instant launchedAt;

    private SupervisedProcess(String name, Process process, Path logFile, Instant launchedAt) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.launchedAt = launchedAt;
    }

    /**
     * Starts {@code command} with {@code environment} added to this JVM's environment.
     */
    public static SupervisedProcess start(
            String name, List<String> command, Map<String, String> environment, WorkDirectory workDir) {
        Path logFile = workDir.logFile(name);
        ProcessBuilder builder = builder(command, environment, logFile);
        try {
            Instant launchedAt = Instant.now();
            Process process = builder.start();
            PidFiles.write(workDir.pidFile(name), process.pid());
            return new SupervisedProcess(name, process, logFile, launchedAt);
        } catch (IOException e) {
            throw new StackException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code command} to completion, output appended to {@code logFile}.
     *
     * @throws StackException if it fails or outlasts {@code timeout}, with the end of the log
     */
    public static void run(
            String what, List<String> command, Map<String, String> environment, Path logFile, Duration timeout) {
        ProcessBuilder builder = builder(command, environment, logFile);
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                throw new StackException(what + " did not finish within " + timeout.toSeconds() + " s; end of "
                        + logFile + ":\n" + LogTail.of(logFile, 15));
            }
            if (process.exitValue() != 0) {
                throw new StackException(what + " failed (exit code " + process.exitValue() + "); end of " + logFile
                        + ":\n" + LogTail.of(logFile, 15));
            }
        } catch (IOException e) {
            throw new StackException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running " + what, e);
        }
    }

    /** {@code command} in a session of its own, environment added, output and errors appended to {@code logFile}. */
    private static ProcessBuilder builder(List<String> command, Map<String, String> environment, Path logFile) {
        ProcessBuilder builder = new ProcessBuilder(inOwnSession(command))
                .redirectErrorStream(true)
                // Appended, so that a restarted component's log keeps what happened before the restart.
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(environment);
        return builder;
    }

    // Ctrl-C at a terminal signals the whole foreground process group. Each component gets its own session so
    // that only the launcher sees it and can stop the stack in order (applications first, databases last).
    private static List<String> inOwnSession(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>();
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** When it was launched (just before, so that anything it did carries a later time). */
    public Instant launchedAt() {
        return launchedAt;
    }

    /** Its exit code; only once it has exited. */
    public int exitCode() {
        return process.exitValue();
    }

    /** Runs {@code action} on {@code executor} once the process has exited, however it ended. */
    public void onExit(Runnable action, Executor executor) {
        process.onExit().thenRunAsync(action, executor);
    }

    // A child is awaited through its Process, not its ProcessHandle: only the former sees its exit status.

    /** SIGTERM, then SIGKILL after {@code grace}; returns once the process is gone. */
    public void terminate(Duration grace) {
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
        }
    }

    /** SIGKILL; returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(KILL_WAIT);
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** The error to raise when the process exited before it became ready. */
    public StackException exitedWhileStarting() {
        return new StackException(name + " exited with code " + process.exitValue() + " while starting; end of "
                + logFile + ":\n" + LogTail.of(logFile, 20));
    }
}
