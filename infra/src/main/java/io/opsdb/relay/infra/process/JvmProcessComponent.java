package io.opsdb.relay.infra.process;

import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component that is a JVM started by the stack: a broker, a MirrorMaker 2 instance or an application.
 * Subclasses say how to launch it and when it is ready.
 */
public abstract class JvmProcessComponent implements StackComponent {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProcessComponent.class);

    /** A broker's controlled shutdown or MirrorMaker's offset commit may take a few seconds. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Duration startTimeout;
    protected final WorkDirectory workDir;
    protected final JavaCommand java;

    private SupervisedProcess process;

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
        SupervisedProcess starting = SupervisedProcess.start(name, command(), environment(), workDir);
        process = starting;
        try {
            Await.until(
                    () -> {
                        if (!starting.isAlive()) {
                            throw starting.exitedWhileStarting();
                        }
                        return isReady();
                    },
                    startTimeout,
                    readiness());
        } catch (StackException e) {
            if (starting.isAlive()) {
                throw new StackException(
                        e.getMessage() + "; end of " + starting.logFile() + ":\n" + LogTail.of(starting.logFile(), 20),
                        e);
            }
            throw e;
        }
        LOG.info(
                "{} ready in {} ms (pid {})",
                name,
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                starting.pid());
    }

    @Override
    public synchronized void stop() {
        if (process != null) {
            process.terminate(STOP_GRACE);
        }
    }

    @Override
    public synchronized void kill() {
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
