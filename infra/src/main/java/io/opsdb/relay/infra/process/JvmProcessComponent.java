package io.opsdb.relay.infra.process;

import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component that is a JVM started by the stack: a broker, a MirrorMaker 2 instance or an application.
 * Subclasses say how to launch it and when it is ready.
 *
 * <p>Supervised as compose's {@code restart: unless-stopped} supervises a container: once a start has made it ready,
 * a process that exits on its own (a crash, an {@code OutOfMemoryError}, MirrorMaker 2 giving up on a cluster it
 * cannot describe) is started again after a back-off, until {@link #stop()} or {@link #kill()} is called. A
 * component whose process may exit while it starts for a passing reason ({@link #retriesExitWhileStarting()}) is
 * started again within its start timeout too.
 */
public abstract class JvmProcessComponent implements StackComponent {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProcessComponent.class);

    /** A broker's controlled shutdown or MirrorMaker's offset commit may take a few seconds. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** The first wait before a process that exited is started again; doubled at each exit that follows soon. */
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** A process that ran this long before it exited had recovered: its back-off starts over. */
    private static final Duration STABLE = Duration.ofSeconds(60);

    // Restarts block until the component is ready (up to its start timeout); each gets a thread of its own, and
    // none runs on the JDK's process reaper, which tells every other child's exit.
    private static final ExecutorService SUPERVISOR = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "stack-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    private final String name;
    private final Duration startTimeout;
    protected final WorkDirectory workDir;
    protected final JavaCommand java;

    private SupervisedProcess process;

    /** Whether the stack wants this component running: set once a start made it ready, cleared by stop and kill. */
    private boolean wanted;

    private Duration backoff = FIRST_BACKOFF;

    protected JvmProcessComponent(String name, Duration startTimeout, WorkDirectory workDir, JavaCommand java) {
        this.name = name;
        this.startTimeout = startTimeout;
        this.workDir = workDir;
        this.java = java;
    }

    /** The command line; called at each start. */
    protected abstract List<String> command();

    /** Variables added to the launcher's environment. */
    protected Map<String, String> environment() {
        return Map.of();
    }

    /** Prepares configuration files or checks prerequisites before the process is started. */
    protected void beforeStart() {}

    /** Whether the running process serves what the next components need; polled until true. */
    protected abstract boolean isReady() throws Exception;

    /** What {@link #isReady()} checks, for messages: "kafka-cologne answers on 127.0.0.1:19092". */
    protected abstract String readiness();

    /**
     * Whether an exit while starting may pass, so that {@link #start()} starts the process again (after a back-off,
     * within the start timeout) rather than failing at once; false by default, where an exit at start means a
     * configuration or data the process refuses.
     */
    protected boolean retriesExitWhileStarting() {
        return false;
    }

    /** When the current process was launched, for a readiness that must see something this process did. */
    protected synchronized Instant launchedAt() {
        return process == null ? Instant.EPOCH : process.launchedAt();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        beforeStart();
        long started = System.nanoTime();
        long deadline = started + startTimeout.toNanos();
        Duration retryAfter = FIRST_BACKOFF;
        while (true) {
            SupervisedProcess starting = launch();
            try {
                awaitReady(starting, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                break;
            } catch (StackException e) {
                if (starting.isAlive()
                        || !retriesExitWhileStarting()
                        || deadline - System.nanoTime() < retryAfter.toNanos()) {
                    throw e;
                }
                LOG.warn(
                        "{} exited with code {} while starting; starting it again in {} s (end of {}:\n{})",
                        name,
                        starting.exitCode(),
                        retryAfter.toSeconds(),
                        starting.logFile(),
                        LogTail.of(starting.logFile(), 5));
                Await.sleep(retryAfter);
                retryAfter = doubled(retryAfter);
            }
        }
        wanted = true;
        LOG.info(
                "{} ready in {} ms (pid {})",
                name,
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                process.pid());
    }

    private SupervisedProcess launch() {
        SupervisedProcess launched = SupervisedProcess.start(name, command(), environment(), workDir);
        process = launched;
        launched.onExit(() -> exited(launched), SUPERVISOR);
        return launched;
    }

    private void awaitReady(SupervisedProcess starting, Duration timeout) {
        try {
            Await.until(
                    () -> {
                        if (!starting.isAlive()) {
                            throw starting.exitedWhileStarting();
                        }
                        return isReady();
                    },
                    timeout,
                    readiness());
        } catch (StackException e) {
            if (starting.isAlive()) {
                throw new StackException(
                        e.getMessage() + "; end of " + starting.logFile() + ":\n" + LogTail.of(starting.logFile(), 20),
                        e);
            }
            throw e;
        }
    }

    /** Called once {@code exited} is gone, whoever ended it: starts it again if it ended on its own. */
    private void exited(SupervisedProcess exited) {
        Duration delay;
        synchronized (this) {
            if (!wanted || process != exited) {
                return;
            }
            if (Duration.between(exited.launchedAt(), Instant.now()).compareTo(STABLE) >= 0) {
                backoff = FIRST_BACKOFF;
            }
            delay = backoff;
            backoff = doubled(backoff);
        }
        LOG.warn(
                "{} exited on its own with code {}; starting it again in {} s (end of {}:\n{})",
                name,
                exited.exitCode(),
                delay.toSeconds(),
                exited.logFile(),
                LogTail.of(exited.logFile(), 10));
        CompletableFuture.runAsync(
                () -> restartAfter(exited),
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, SUPERVISOR));
    }

    private synchronized void restartAfter(SupervisedProcess exited) {
        // Stopped, killed or started again by the stack meanwhile: nothing to do.
        if (!wanted || process != exited) {
            return;
        }
        try {
            start();
        } catch (RuntimeException e) {
            // The new process's own exit, if it exited, schedules the next attempt.
            LOG.warn("{} did not start again: {}", name, Await.oneLine(e));
        }
    }

    private static Duration doubled(Duration wait) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    @Override
    public synchronized void stop() {
        wanted = false;
        if (process != null) {
            process.terminate(STOP_GRACE);
        }
    }

    @Override
    public synchronized void kill() {
        wanted = false;
        if (process != null) {
            process.kill();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public String toString() {
        return name;
    }
}
