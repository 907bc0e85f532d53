package io.opsdb.relay.app.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last {@code capacity} samples of this site's figures, oldest first: a ring that forgets the oldest sample as
 * each new one arrives. The apply rate of a sample is computed from the running count of applied transactions and
 * the one of the sample before it, so a sample that was skipped widens the next one's interval instead of losing
 * its transactions. Safe for one writer and any number of readers.
 */
final class StatusHistory {

    private final int capacity;
    private final ArrayDeque<StatusSample> samples;
    private Instant previousAt;
    private long previousApplied;

    StatusHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    /**
     * Adds the figures read at {@code at}.
     *
     * @param appliedTotal transactions applied since the application started; the rate is its growth since the
     *     previous sample per second
     */
    synchronized StatusSample record(
            Instant at, int inFlight, double oldestInFlightAgeSeconds, Double replicaLagSeconds, long appliedTotal) {
        Double rate = null;
        if (previousAt != null && at.isAfter(previousAt)) {
            double seconds = Duration.between(previousAt, at).toMillis() / 1000.0;
            rate = Math.max(0, appliedTotal - previousApplied) / seconds;
        }
        StatusSample sample = new StatusSample(at, inFlight, oldestInFlightAgeSeconds, replicaLagSeconds, rate);
        if (samples.size() == capacity) {
            samples.removeFirst();
        }
        samples.addLast(sample);
        previousAt = at;
        previousApplied = appliedTotal;
        return sample;
    }

    /** The samples kept, oldest first. */
    synchronized List<StatusSample> samples() {
        return List.copyOf(samples);
    }
}
