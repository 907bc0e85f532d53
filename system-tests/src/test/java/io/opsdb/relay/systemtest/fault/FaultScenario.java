package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.DoubleStream;

/**
 * What every fault scenario does around its fault: name the run, hold a fault while the clients keep writing,
 * time the recovery, wait for the backlog to drain, audit every acknowledged write and record the row.
 */
final class FaultScenario {

    /** {@code -Drelay.faults=full} (the {@code faults} profile): every scenario at full size. */
    static final boolean FULL = "full".equals(System.getProperty("relay.faults"));

    /** Fault scenarios run after the flow tests (unordered classes are at Integer.MAX_VALUE / 2), the overload last. */
    static final int AFTER_THE_FLOW_TESTS = Integer.MAX_VALUE / 2;

    /** How many writes a scenario reads back at the observatory while its fault lasts. */
    static final int READ_BACK_COUNT = 300;

    static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration LONG_POLL = Duration.ofMinutes(5);
    /** How often a backlog's size is asked for while it drains. */
    static final Duration POLL = Duration.ofSeconds(1);

    private final String name;
    private final String run;
    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());

    FaultScenario(String name) {
        this.name = name;
        this.run = "fault-" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    String run() {
        return run;
    }

    SiteHttp observatory() {
        return observatory;
    }

    /**
     * Keeps a fault in place for {@code duration} while the clients go on writing. How long an outage lasts is a
     * parameter of the scenario, not a wait for an outcome: everything after it waits on conditions.
     */
    static void holdFor(Duration duration) throws InterruptedException {
        if (!duration.isNegative()) {
            TimeUnit.NANOSECONDS.sleep(duration.toNanos());
        }
    }

    /**
     * Starts timing a recovery at {@code healedNanos}: completes with the time until the newest write acknowledged
     * by then is VISIBLE. Commits, and so visibility, follow the site's order, so everything before it is visible too.
     */
    static CompletableFuture<Duration> recovery(FaultWorkload workload, long healedNanos) {
        List<FaultWorkload.Ack> acked = workload.acked();
        if (acked.isEmpty()) {
            return CompletableFuture.completedFuture(Duration.ZERO);
        }
        String newest = acked.get(acked.size() - 1).transactionId();
        return CompletableFuture.supplyAsync(
                () -> {
                    long deadline = healedNanos + DRAIN_TIMEOUT.toNanos();
                    ObservatoryClient.Status status = null;
                    // Long polls of at most LONG_POLL each (the API's bound), one after the other, until the deadline.
                    while (System.nanoTime() < deadline && (status == null || !"VISIBLE".equals(status.state()))) {
                        try {
                            status = workload.client()
                                    .whenVisible(newest, LONG_POLL)
                                    .join();
                        } catch (CompletionException unanswered) {
                            status = null; // the site is still coming back
                        }
                        if (status == null || status.httpStatus() != 200) {
                            pollPause(); // not answering yet, or its state stores are still being restored
                            continue;
                        }
                        assertThat(status.state())
                                .as("the newest write before the heal, %s", newest)
                                .isNotEqualTo("FAILED");
                    }
                    assertThat(status)
                            .as("no answer about %s within %s", newest, DRAIN_TIMEOUT)
                            .isNotNull();
                    assertThat(status.state())
                            .as("the newest write before the heal, %s: %s", newest, status.body())
                            .isEqualTo("VISIBLE");
                    return Duration.ofNanos(System.nanoTime() - healedNanos);
                },
                task -> {
                    Thread waiter = new Thread(task, "recovery-" + newest);
                    waiter.setDaemon(true);
                    waiter.start();
                });
    }

    private static void pollPause() {
        try {
            Thread.sleep(500); // poll interval, not a wait for an outcome
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Duration await(CompletableFuture<Duration> recovery) throws Exception {
        return recovery.get(DRAIN_TIMEOUT.toMillis() + 60_000, TimeUnit.MILLISECONDS);
    }

    /**
     * After the heal at {@code healedNanos}: the clients write on until 200 more are acknowledged, then stop, and
     * the backlog drains. Returns the recovery time (see {@link #recovery}).
     */
    Duration healedAndDrained(FaultWorkload workload, long healedNanos) throws Exception {
        CompletableFuture<Duration> recovery = recovery(workload, healedNanos);
        workload.awaitMoreAcked(200, Duration.ofMinutes(5));
        workload.stop();
        return drained(recovery);
    }

    /** The recovery from {@code healedNanos} of a workload already stopped, once the backlog has drained. */
    Duration drained(FaultWorkload workload, long healedNanos) throws Exception {
        return drained(recovery(workload, healedNanos));
    }

    private Duration drained(CompletableFuture<Duration> recovery) throws Exception {
        Duration recovered = await(recovery);
        awaitDrained();
        return recovered;
    }

    /** Waits until nothing is in flight at the observatory: every acknowledged write is VISIBLE or FAILED. */
    void awaitDrained() throws Exception {
        Conditions.waitFor(
                () -> observatory.get("/api/buffer").json().get("in_flight").asInt() == 0,
                DRAIN_TIMEOUT,
                POLL,
                "the observatory's backlog did not drain");
    }

    /** Audits the run, records its row, and fails on any violation. */
    RelayAudit.Findings auditAndRecord(FaultWorkload workload, Duration longestRecovery, String notes, Class<?> test)
            throws Exception {
        return auditAndRecord(
                workload.acked(),
                workload.client(),
                List.of(),
                longestRecovery,
                notes + "; live I4 probes " + workload.probed() + ", misses " + workload.probeMisses(),
                test,
                workload.probeMissDetails());
    }

    RelayAudit.Findings auditAndRecord(
            List<FaultWorkload.Ack> acked,
            ObservatoryClient client,
            Collection<String> poison,
            Duration longestRecovery,
            String notes,
            Class<?> test,
            List<String> probeMisses)
            throws Exception {
        RelayAudit.Findings findings = RelayAudit.audit(run, acked, client, poison);
        ReliabilityReport.record(new ReliabilityReport.Row(
                name,
                findings.acknowledged(),
                findings.lost(),
                findings.duplicated(),
                findings.failed() + poison.size(),
                longestRecovery,
                notes,
                ReliabilityReport.command(test)));
        assertThat(findings.clean()).as("%s: %s", name, findings).isTrue();
        assertThat(probeMisses).as("I4 misses at the moment of VISIBLE").isEmpty();
        return findings;
    }

    /** The nearest-rank {@code percentile} (0..100) of {@code values}; NaN if there are none. */
    static double percentile(double percentile, DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.0f ms", millis);
    }

    /**
     * Reads back a spread of the units started among {@code acked} at the observatory; returns those that did not
     * show the write (running, or completed when their finish is among them too), each with the answer it got.
     */
    List<String> readBack(List<FaultWorkload.Ack> acked) throws Exception {
        Map<String, String> expected = new HashMap<>();
        for (FaultWorkload.Ack ack : acked) {
            // A note leaves its unit running: only an acknowledged finish completes it.
            if (ack.isStart()) {
                expected.put(ack.recordId(), "running");
            } else if (ack.isFinish() && expected.containsKey(ack.recordId())) {
                expected.put(ack.recordId(), "completed");
            }
        }
        List<String> units = new ArrayList<>(expected.keySet());
        Collections.shuffle(units, new Random(7));
        List<String> unreadable = new ArrayList<>();
        for (String unit : units.subList(0, Math.min(READ_BACK_COUNT, units.size()))) {
            SiteHttp.Answer read = observatory.get("/executed_obs_units/" + unit);
            // A unit finished after this snapshot of the acknowledgements may already read completed.
            if (read.status() != 200
                    || !(expected.get(unit).equals(read.text("status")) || "completed".equals(read.text("status")))) {
                unreadable.add(unit + " (expected " + expected.get(unit) + ", read " + read.status() + " " + read.body()
                        + " at " + Instant.now() + ")");
            }
        }
        return unreadable;
    }
}
