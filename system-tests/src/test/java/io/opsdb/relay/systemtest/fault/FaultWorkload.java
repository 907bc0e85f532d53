package io.opsdb.relay.systemtest.fault;

import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A continuous write workload at the observatory, as its clients produce it: each client starts an executed obs
 * unit, notes it as observing and finishes it with a closing note at once, again and again, until stopped. The
 * start is a create (applied twice, a unique violation) and the first note is overwritten by the finish (applied
 * again after it, the unit would read {@value #NOTE_WHILE_OBSERVING} again): neither is idempotent. Every acknowledged write is kept (with its
 * acknowledgement latency); a refusal (503 while a part is down, a refused connection while the application
 * is) is counted and the client goes on after a short pause, as a real client retries.
 *
 * <p>Invariant I4 is probed live: for a bounded number of acknowledged starts at a time, a long poll waits for
 * VISIBLE and, the moment it is reported, a SELECT on the replica must find the row.
 */
final class FaultWorkload implements AutoCloseable {

    /** The notes a unit is given while it is observed, and when it is finished. */
    static final String NOTE_WHILE_OBSERVING = "observing";

    static final String NOTE_AT_FINISH = "finished";

    /** What a write does to its unit. */
    enum Kind {
        START,
        NOTE,
        FINISH
    }

    /** One acknowledged write; a note or a finish knows the start of its unit. */
    record Ack(
            String transactionId,
            String recordId,
            String obsUnitId,
            String startTransactionId,
            long ackNanos,
            long ackedAtNanos,
            Kind kind) {

        /** A start ({@code startTransactionId} null) or a finish. */
        Ack(
                String transactionId,
                String recordId,
                String obsUnitId,
                String startTransactionId,
                long ackNanos,
                long ackedAtNanos) {
            this(
                    transactionId,
                    recordId,
                    obsUnitId,
                    startTransactionId,
                    ackNanos,
                    ackedAtNanos,
                    startTransactionId == null ? Kind.START : Kind.FINISH);
        }

        boolean isStart() {
            return kind == Kind.START;
        }

        boolean isFinish() {
            return kind == Kind.FINISH;
        }
    }

    private static final int LIVE_PROBES = 64;
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(5);
    private static final long PAUSE_AFTER_REFUSAL_MS = 200;

    private final String run;
    private final int clients;
    private final ObservatoryClient client;
    private final ExecutorService http;
    private final ExecutorService writers;
    private final List<Ack> acked = Collections.synchronizedList(new ArrayList<>());
    private final List<String> refusals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private final Semaphore probes = new Semaphore(LIVE_PROBES);
    private final AtomicInteger probed = new AtomicInteger();
    private final AtomicInteger probeMisses = new AtomicInteger();
    private final List<String> probeMissDetails = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong probesPausedUntil = new AtomicLong();

    FaultWorkload(String run, int clients) {
        this.run = run;
        this.clients = clients;
        this.http = Executors.newFixedThreadPool(8, daemon("fault-http"));
        this.writers = Executors.newFixedThreadPool(clients, daemon("fault-client"));
        this.client = new ObservatoryClient(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token(), http);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    ObservatoryClient client() {
        return client;
    }

    /** Starts the clients; returns at once. */
    FaultWorkload start() {
        running.set(true);
        for (int c = 0; c < clients; c++) {
            writers.execute(this::clientLoop);
        }
        return this;
    }

    private void clientLoop() {
        while (running.get()) {
            String obsUnitId = run + "-" + next.getAndIncrement();
            try {
                Ack start = write(Kind.START, obsUnitId, null, null);
                if (start == null) {
                    continue;
                }
                probe(start);
                // A note and a finish right behind the start, as the telescope does; refused ones are tried again.
                for (Kind next : List.of(Kind.NOTE, Kind.FINISH)) {
                    while (running.get() && write(next, obsUnitId, start.recordId(), start.transactionId()) == null) {
                        // write() paused after the refusal already.
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One write; the acknowledgement, or null after a refusal (counted, then a short pause). */
    private Ack write(Kind kind, String obsUnitId, String recordId, String startTransactionId)
            throws InterruptedException {
        long begin = System.nanoTime();
        try {
            ObservatoryClient.Accepted answer = switch (kind) {
                case START -> client.startObsUnit(obsUnitId, "fault-camera");
                case NOTE -> client.noteObsUnit(recordId, NOTE_WHILE_OBSERVING);
                case FINISH -> client.finishObsUnit(recordId, "completed", NOTE_AT_FINISH);
            };
            long now = System.nanoTime();
            if (answer.ok()) {
                Ack ack = new Ack(
                        answer.transactionId(),
                        recordId == null ? answer.recordId() : recordId,
                        obsUnitId,
                        startTransactionId,
                        now - begin,
                        now,
                        kind);
                acked.add(ack);
                return ack;
            }
            refusals.add(answer.status() + " " + answer.body());
        } catch (IOException e) {
            refusals.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        // A client backs off after a refusal instead of hammering a site that is recovering.
        TimeUnit.MILLISECONDS.sleep(PAUSE_AFTER_REFUSAL_MS);
        return null;
    }

    /** I4, live: the moment a start is first reported VISIBLE, the replica has its row. */
    private void probe(Ack start) {
        if (System.nanoTime() < probesPausedUntil.get() || !probes.tryAcquire()) {
            return;
        }
        client.whenVisible(start.transactionId(), PROBE_TIMEOUT).whenComplete((status, error) -> {
            try {
                if (error == null && "VISIBLE".equals(status.state())) {
                    probed.incrementAndGet();
                    if (!onReplica(start.recordId())) {
                        probeMisses.incrementAndGet();
                        probeMissDetails.add(start.transactionId() + " VISIBLE at " + status.commitLsn()
                                + " but not on the replica");
                    }
                }
            } finally {
                probes.release();
            }
        });
    }

    private static boolean onReplica(String recordId) {
        try (Connection replica = TwoSiteStack.replica();
                PreparedStatement select =
                        replica.prepareStatement("SELECT 1 FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            select.setString(1, recordId);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            // The replica itself is down (a fault under test): this probe says nothing.
            return true;
        }
    }

    /** Waits until {@code count} more writes than now are acknowledged. */
    void awaitMoreAcked(int count, Duration timeout) throws Exception {
        int target = acked.size() + count;
        Conditions.waitFor(
                () -> acked.size() >= target,
                timeout,
                "the workload did not get " + count + " more writes acknowledged (refusals: " + lastRefusal() + ")");
    }

    /** Waits until {@code count} writes in all are acknowledged. */
    void awaitAcked(int count, Duration timeout) throws Exception {
        Conditions.waitFor(
                () -> acked.size() >= count,
                timeout,
                "the workload did not reach " + count + " acknowledged writes (refusals: " + lastRefusal() + ")");
    }

    /** Stops the clients and waits for the writes under way. */
    void stop() throws InterruptedException {
        running.set(false);
        writers.shutdown();
        if (!writers.awaitTermination(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("workload clients did not stop");
        }
    }

    List<Ack> acked() {
        synchronized (acked) {
            return List.copyOf(acked);
        }
    }

    /**
     * The acknowledgements from the {@code from}-th on, as one snapshot. Taking {@link #acked()} and then
     * {@link #ackedCount()} for its end raced with the clients: a write acknowledged in between made the end larger
     * than the snapshot (an IndexOutOfBoundsException in WanOutageFaultIT).
     */
    List<Ack> ackedFrom(int from) {
        synchronized (acked) {
            return List.copyOf(acked.subList(from, acked.size()));
        }
    }

    int ackedCount() {
        return acked.size();
    }

    int refusalCount() {
        return refusals.size();
    }

    String lastRefusal() {
        synchronized (refusals) {
            return refusals.isEmpty() ? "none" : refusals.size() + ", last " + refusals.get(refusals.size() - 1);
        }
    }

    int probed() {
        return probed.get();
    }

    int probeMisses() {
        return probeMisses.get();
    }

    List<String> probeMissDetails() {
        return List.copyOf(probeMissDetails);
    }

    /** No new live probes for a while: while the replica is deliberately stopped they would only wait. */
    void pauseProbes(Duration duration) {
        probesPausedUntil.set(System.nanoTime() + duration.toNanos());
    }

    /** Acknowledgement latency percentile (0..100) in ms of the writes acknowledged between the two instants. */
    double ackPercentileMs(double percentile, long fromNanos, long toNanos) {
        return FaultScenario.percentile(
                percentile,
                acked().stream()
                        .filter(a -> a.ackedAtNanos() >= fromNanos && a.ackedAtNanos() <= toNanos)
                        .mapToDouble(a -> a.ackNanos() / 1e6));
    }

    @Override
    public void close() throws InterruptedException {
        if (running.get()) {
            stop();
        }
        http.shutdownNow();
    }
}
