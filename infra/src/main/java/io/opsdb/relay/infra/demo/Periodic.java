package io.opsdb.relay.infra.demo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run at a fixed period, at once and then every period, on a daemon thread of its own until closed: the demo's
 * and the benchmark's progress lines and samplers. A run that throws ends the repetition (as a scheduled executor's
 * does), so tasks catch what they can recover from.
 */
public final class Periodic implements AutoCloseable {

    private final ScheduledExecutorService timer;

    private Periodic(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts {@code task} now and every {@code period} after, on a daemon thread named {@code threadName}. */
    public static Periodic every(Duration period, String threadName, Runnable task) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(task, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return new Periodic(timer);
    }

    /** Stops the repetition; a run under way is interrupted. */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
