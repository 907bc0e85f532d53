package io.opsdb.relay.app.status;

import io.opsdb.relay.app.site.SiteStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Takes a sample of this site's figures ({@link SiteStatus}) every {@link #INTERVAL} into the last hour's
 * {@link StatusHistory}, for the status page's plots. The apply rate comes from the count of applied transactions the
 * application's metrics keep ({@code relay_transactions_applied_total}), read at each sample, so it needs no
 * Prometheus server and counts nothing twice.
 */
final class StatusSampler implements SmartLifecycle {

    /** How often a sample is taken. */
    static final Duration INTERVAL = Duration.ofSeconds(10);

    /** How far back the history reaches. */
    static final Duration SPAN = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(StatusSampler.class);

    private final SiteStatus status;
    private final StatusHistory history;
    private final Clock clock;
    private final LongSupplier appliedTotal;
    private volatile ScheduledExecutorService sampling;

    /** @param appliedTotal transactions applied so far, a count that only grows */
    StatusSampler(SiteStatus status, LongSupplier appliedTotal, Clock clock) {
        this.status = status;
        this.appliedTotal = appliedTotal;
        this.clock = clock;
        this.history = new StatusHistory((int) (SPAN.toSeconds() / INTERVAL.toSeconds()));
    }

    /** The samples of the last hour, oldest first. */
    StatusHistory history() {
        return history;
    }

    /** Reads the figures now and adds them to the history. */
    void sample() {
        sample(clock.instant());
    }

    /** Reads the figures and adds them to the history as taken {@code at}. */
    void sample(Instant at) {
        try {
            history.record(
                    at,
                    status.inFlightCount(),
                    status.oldestInFlightAgeSeconds(),
                    status.replicaLagSeconds(),
                    appliedTotal.getAsLong());
        } catch (RuntimeException e) {
            // Transient (the role's figures could not be read just now): the next tick tries again, and the gap
            // shows in the plots. Thrown on, it would cancel the sampling for good.
            log.warn("status sample skipped: {}", e.toString());
        }
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "status-sampler");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleAtFixedRate(this::sample, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        sampling = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = sampling;
        if (executor != null) {
            executor.shutdownNow();
            sampling = null;
        }
    }

    @Override
    public boolean isRunning() {
        return sampling != null;
    }
}
