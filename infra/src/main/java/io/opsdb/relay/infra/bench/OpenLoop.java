package io.opsdb.relay.infra.bench;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A fixed-rate load generator: the i-th request is due at {@code start + i / rate} whatever happened to the ones
 * before it, and its latency is counted from when it was due, not from when it was sent. A system that stalls
 * for a second thus shows a second's worth of slow requests, as its clients would see it, instead of one slow
 * request and a gap (coordinated omission, corrected as wrk2 does).
 */
final class OpenLoop {

    /** Requests outstanding at once before the generator itself waits: far above any rate it is run at. */
    private static final int MAX_OUTSTANDING = 20_000;

    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

    /** What a run measured: latency from due time to completion, and how many completed with a failure. */
    record Result(Histogram latencies, long failures, Duration elapsed) {

        double millis(double percentile) {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(percentile) / 1e6;
        }
    }

    private OpenLoop() {}

    /**
     * Runs {@code request} at {@code perSecond} for {@code duration} and waits for the last one.
     *
     * @param request the i-th request; its future completes with true when it succeeded
     */
    static Result run(double perSecond, Duration duration, IntFunction<CompletableFuture<Boolean>> request)
            throws InterruptedException {
        long period = (long) (1e9 / perSecond);
        int count = (int) (duration.toNanos() / period);
        Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
        AtomicLong failures = new AtomicLong();
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * period;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            outstanding.acquire();
            CompletableFuture<Boolean> sent;
            try {
                sent = request.apply(i);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.whenComplete((ok, error) -> {
                recorder.recordValue(Math.min(System.nanoTime() - due, HIGHEST_NANOS));
                if (error != null || !Boolean.TRUE.equals(ok)) {
                    failures.incrementAndGet();
                }
                outstanding.release();
            });
        }
        if (!outstanding.tryAcquire(MAX_OUTSTANDING, 5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("requests still outstanding 5 minutes after the last was due");
        }
        outstanding.release(MAX_OUTSTANDING);
        return new Result(recorder.getIntervalHistogram(), failures.get(), Duration.ofNanos(System.nanoTime() - start));
    }
}
