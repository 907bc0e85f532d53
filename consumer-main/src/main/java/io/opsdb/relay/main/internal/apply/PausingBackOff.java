package io.opsdb.relay.main.internal.apply;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.RetryListener;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * How the applier waits out a transient failure (the primary down, a deadlock, a timeout): the same batch is
 * retried TRANSACTION_RETRY_ATTEMPTS times with exponential back-off from TRANSACTION_RETRY_DELAY, then the
 * applier pauses for {@link #pause()} and starts the same cycle again, for as long as it takes. It never
 * stops, so a transient failure never makes a command skipped.
 *
 * <p>It is the back-off of the applier container's {@code DefaultErrorHandler}, whose batch retry keeps the
 * consumer's partitions paused from the first failure to the first success (again after a rebalance) and
 * polls meanwhile only to stay in its group; and its {@link RetryListener}, to say why the tries failed when
 * it pauses.
 */
public final class PausingBackOff implements BackOff, RetryListener {

    /** What follows a failed try. */
    public enum Step {
        /** Try again after the exponential delay. */
        RETRY,
        /** The retries of this cycle are spent: wait the pause, then start a new cycle. */
        PAUSE
    }

    private static final Logger LOG = LoggerFactory.getLogger(PausingBackOff.class);

    private final String subject;
    private final int retries;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration pause;
    private final Clock clock;
    private volatile Instant pausedUntil = Instant.MIN;

    /**
     * @param retries tries after the first in each cycle (TRANSACTION_RETRY_ATTEMPTS)
     * @param baseDelay the delay before the first retry, doubled for each next one (TRANSACTION_RETRY_DELAY)
     * @param maxDelay the longest delay between two retries
     * @param pause how long the applier pauses between two cycles
     */
    public PausingBackOff(int retries, Duration baseDelay, Duration maxDelay, Duration pause, Clock clock) {
        this("applier", retries, baseDelay, maxDelay, pause, clock);
    }

    /** @param subject whose back-off it is, as its log lines name it ("applier of observatory") */
    public PausingBackOff(
            String subject, int retries, Duration baseDelay, Duration maxDelay, Duration pause, Clock clock) {
        if (retries < 0 || baseDelay.isNegative() || maxDelay.compareTo(baseDelay) < 0 || pause.isNegative()) {
            throw new IllegalArgumentException("retries " + retries + ", base delay " + baseDelay + ", max delay "
                    + maxDelay + ", pause " + pause);
        }
        this.subject = subject;
        this.retries = retries;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.pause = pause;
        this.clock = clock;
    }

    /** What follows the {@code failedTries}-th failed try of the same batch (1 for the first delivery). */
    public Step stepAfter(int failedTries) {
        return positionInCycle(failedTries) < retries ? Step.RETRY : Step.PAUSE;
    }

    /** How long to wait after the {@code failedTries}-th failed try of the same batch before the next. */
    public Duration delayAfter(int failedTries) {
        int position = positionInCycle(failedTries);
        if (position >= retries) {
            return pause;
        }
        // Doubling past the cap would overflow long before the cap is reached by a shift of 62.
        Duration delay = position >= 31 ? maxDelay : baseDelay.multipliedBy(1L << position);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private int positionInCycle(int failedTries) {
        if (failedTries < 1) {
            throw new IllegalArgumentException("failed tries start at 1: " + failedTries);
        }
        return (failedTries - 1) % (retries + 1);
    }

    /** True while the applier waits out a pause: it has tried a batch TRANSACTION_RETRY_ATTEMPTS times in vain. */
    public boolean isPaused() {
        return clock.instant().isBefore(pausedUntil);
    }

    public Duration pause() {
        return pause;
    }

    @Override
    public BackOffExecution start() {
        return new BackOffExecution() {

            private int failedTries;

            @Override
            public long nextBackOff() {
                failedTries++;
                Duration delay = delayAfter(failedTries);
                if (stepAfter(failedTries) == Step.PAUSE) {
                    pausedUntil = clock.instant().plus(delay);
                }
                return delay.toMillis();
            }
        };
    }

    @Override
    public void failedDelivery(ConsumerRecords<?, ?> records, Exception ex, int deliveryAttempt) {
        String reason = SqlFailureClassifier.reason(ex);
        if (stepAfter(deliveryAttempt) == Step.PAUSE) {
            LOG.warn(
                    "{} paused after {} attempts: {} (trying again in {} s; {} commands wait)",
                    subject,
                    retries,
                    reason,
                    pause.toSeconds(),
                    records.count());
        } else {
            LOG.info(
                    "{}: transient failure applying {} commands, try {}: {}; retrying in {} ms",
                    subject,
                    records.count(),
                    deliveryAttempt,
                    reason,
                    delayAfter(deliveryAttempt).toMillis());
        }
    }

    @Override
    public void failedDelivery(ConsumerRecord<?, ?> record, Exception ex, int deliveryAttempt) {
        // The applier's listener takes batches: only the batch variant above is called.
    }
}
