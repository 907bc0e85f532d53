package io.opsdb.relay.infra.demo;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts executed obs units at the observatory from several concurrent clients, and follows each
 * acknowledged one until it is VISIBLE (or FAILED) without holding up the next write.
 */
public final class ObservatoryWorkload {

    /** Called the moment a transaction is first reported settled, before anything else looks at it. */
    @FunctionalInterface
    public interface SettledProbe {
        void settled(Write write, ObservatoryClient.Status status);
    }

    /** One acknowledged write. */
    public record Write(String transactionId, String recordId, long ackNanos) {}

    /** Everything that happened. */
    public record Result(
            int attempted,
            List<Write> acknowledged,
            List<String> refusals,
            List<ObservatoryClient.Status> settled,
            List<String> waitFailures,
            int unsettled) {}

    /**
     * How far a run has come, read while it runs: written is what was sent (acknowledged or refused), and of the
     * acknowledged, how many were reported VISIBLE or FAILED so far.
     */
    public record Progress(int writes, int acknowledged, int refused, int visible, int failed) {

        /** One line for a console: {@code 340/1000 acknowledged, 2 refused, 210 visible, 0 failed}. */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "%d/%d acknowledged, %d refused, %d visible, %d failed",
                    acknowledged,
                    writes,
                    refused,
                    visible,
                    failed);
        }
    }

    private static final int MAX_WAITS_IN_FLIGHT = 256;

    private final ObservatoryClient client;
    private final ExecutorService executor;
    /** The run under way (or the last one): what {@link #progress} reads, the very lists its result is made of. */
    private volatile Run current = new Run(0, List.of(), List.of(), List.of());

    private record Run(
            int writes, List<Write> acknowledged, List<String> refusals, List<ObservatoryClient.Status> settled) {}

    /** @param token an API token that may write, see {@link ObservatoryClient} */
    public ObservatoryWorkload(URI observatoryApi, String token) {
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "workload-http");
            t.setDaemon(true);
            return t;
        });
        this.client = new ObservatoryClient(observatoryApi, token, executor);
    }

    public ObservatoryClient client() {
        return client;
    }

    /** The current run's figures so far (safe to call from any thread while {@link #run} runs). */
    public Progress progress() {
        Run run = current;
        int visible = 0;
        int failed = 0;
        synchronized (run.settled()) {
            for (ObservatoryClient.Status status : run.settled()) {
                if ("VISIBLE".equals(status.state())) {
                    visible++;
                } else if ("FAILED".equals(status.state())) {
                    failed++;
                }
            }
        }
        return new Progress(
                run.writes(), run.acknowledged().size(), run.refusals().size(), visible, failed);
    }

    public Result run(String runId, int writes, int clients, Duration visibleTimeout, SettledProbe probe)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Write> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<String> refusals = Collections.synchronizedList(new ArrayList<>());
        List<ObservatoryClient.Status> settled = Collections.synchronizedList(new ArrayList<>());
        List<String> waitFailures = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> waits = Collections.synchronizedList(new ArrayList<>());
        Semaphore waitsInFlight = new Semaphore(MAX_WAITS_IN_FLIGHT);
        current = new Run(writes, acknowledged, refusals, settled);

        ExecutorService writers = Executors.newFixedThreadPool(clients, r -> new Thread(r, "workload-client"));
        for (int c = 0; c < clients; c++) {
            writers.execute(() -> {
                for (int i = next.getAndIncrement(); i < writes; i = next.getAndIncrement()) {
                    try {
                        long begin = System.nanoTime();
                        ObservatoryClient.Accepted answer = client.startObsUnit(runId + "-" + i, "demo-camera");
                        long ackNanos = System.nanoTime() - begin;
                        if (!answer.ok()) {
                            refusals.add(answer.status() + " " + answer.body());
                            continue;
                        }
                        Write write = new Write(answer.transactionId(), answer.recordId(), ackNanos);
                        acknowledged.add(write);
                        waitsInFlight.acquire();
                        waits.add(client.whenVisible(write.transactionId(), visibleTimeout)
                                .thenAccept(status -> {
                                    probe.settled(write, status);
                                    settled.add(status);
                                })
                                .whenComplete((ok, error) -> {
                                    waitsInFlight.release();
                                    if (error != null) {
                                        waitFailures.add(write.transactionId() + ": " + error);
                                    }
                                }));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        refusals.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            });
        }
        writers.shutdown();
        writers.awaitTermination(1, TimeUnit.HOURS);
        CompletableFuture<?>[] all;
        synchronized (waits) {
            all = waits.toArray(CompletableFuture[]::new);
        }
        try {
            CompletableFuture.allOf(all).get(visibleTimeout.toMillis() + 120_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // Counted below as unsettled.
        }
        int unsettled = acknowledged.size()
                - (int) settled.stream().filter(s -> isSettled(s.state())).count();
        return new Result(
                writes,
                List.copyOf(acknowledged),
                List.copyOf(refusals),
                List.copyOf(settled),
                List.copyOf(waitFailures),
                unsettled);
    }

    static boolean isSettled(String state) {
        return "VISIBLE".equals(state) || "FAILED".equals(state);
    }

    public void close() {
        executor.shutdownNow();
    }
}
