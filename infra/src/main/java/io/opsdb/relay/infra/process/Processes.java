package io.opsdb.relay.infra.process;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Signals to OS processes, also those that are not this JVM's children (a postmaster started by pg_ctl). */
public final class Processes {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private Processes() {}

    /**
     * SIGKILL to a process and every descendant, as a machine crash would: PostgreSQL's backends otherwise linger
     * after their postmaster died and hold its shared memory, so that a restart fails.
     */
    public static void killWithDescendants(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        awaitExit(process, KILL_WAIT);
        descendants.forEach(descendant -> awaitExit(descendant, KILL_WAIT));
    }

    /**
     * SIGTERM, and SIGKILL to it and its descendants if it has not exited after {@code grace}; returns once it is gone.
     *
     * @return whether it exited on SIGTERM
     */
    public static boolean terminate(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        killWithDescendants(process);
        return false;
    }

    /** Whether the process exited within {@code timeout}. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
