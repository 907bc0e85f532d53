package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: overload. More than a million transactions in flight at the observatory, far more than the main
 * side can take at once: HTTP clients keep writing and their acknowledgements stay local, producer-secondary's
 * heap stays within its fixed maximum (its in-flight state is in RocksDB, not on the heap; heap and RSS are
 * recorded), and once the WAN is back the backlog drains by itself.
 *
 * <p>A million HTTP requests would take hours on two cores, so the bulk of the backlog is produced straight to
 * the observatory's buffer topic ({@link BulkCommands}). The WAN is held down while they are produced so that
 * all of them are in flight at once.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 7)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class OverloadFaultIT {

    private static final int BULK = 1_000_000;
    private static final int CLIENTS = 2;
    private static final int STATUS_SAMPLE = 2_000;
    private static final Duration DRAIN = Duration.ofMinutes(60);

    @Test
    void aMillionInFlightKeepAcknowledgementsLocalAndHeapBoundedThenDrain() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("overload: 1,000,000 in flight");
        SiteHttp observatory = scenario.observatory();
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            long quiet = System.nanoTime();
            ObservatoryFootprint idle = ObservatoryFootprint.read(stack, observatory);

            stack.stop(LocalStack.MM2_COLOGNE);
            List<FaultWorkload.Ack> bulk;
            ObservatoryFootprint loaded;
            int peakInFlight;
            long loadedAt;
            try {
                long produceBegin = System.nanoTime();
                bulk = BulkCommands.produce(stack, scenario.run(), BULK);
                Duration produced = Duration.ofNanos(System.nanoTime() - produceBegin);
                Conditions.waitFor(
                        () -> observatory
                                        .get("/api/buffer")
                                        .json()
                                        .get("in_flight")
                                        .asInt()
                                >= BULK,
                        Duration.ofMinutes(30),
                        FaultScenario.POLL,
                        "the observatory did not take the bulk in");
                loadedAt = System.nanoTime();
                peakInFlight =
                        observatory.get("/api/buffer").json().get("in_flight").asInt();
                loaded = ObservatoryFootprint.read(stack, observatory);
                workload.awaitMoreAcked(200, Duration.ofMinutes(5));
                System.out.printf("overload: %d produced in %s, in flight %d%n", BULK, produced, peakInFlight);
            } finally {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
            long healed = System.nanoTime();
            double p50Before = workload.ackPercentileMs(50, 0, quiet);
            double p99Before = workload.ackPercentileMs(99, 0, quiet);
            double p50Loaded = workload.ackPercentileMs(50, loadedAt, healed);
            double p99Loaded = workload.ackPercentileMs(99, loadedAt, healed);
            workload.awaitMoreAcked(200, Duration.ofMinutes(10));
            double p99Draining = workload.ackPercentileMs(99, healed, System.nanoTime());
            workload.stop();

            Conditions.waitFor(
                    () -> observatory.get("/api/buffer").json().get("in_flight").asInt() == 0,
                    DRAIN,
                    FaultScenario.POLL,
                    "the backlog did not drain");
            Duration drained = Duration.ofNanos(System.nanoTime() - healed);
            ObservatoryFootprint after = ObservatoryFootprint.read(stack, observatory);

            // Every workload write's status is asked; of the bulk, a random sample (nothing is in flight and no
            // FAILED is among them, which the audit shows from the ledger for all of them).
            List<FaultWorkload.Ack> all = new ArrayList<>(workload.acked());
            Collections.shuffle(bulk, new Random(11));
            RelayAudit.Findings sampled =
                    RelayAudit.audit(scenario.run(), bulk.subList(0, STATUS_SAMPLE), workload.client(), List.of());
            assertThat(sampled.clean()).as("sampled bulk: %s", sampled).isTrue();
            all.addAll(bulk);
            RelayAudit.Findings findings = RelayAudit.audit(
                    scenario.run(),
                    all,
                    workload.client(),
                    List.of(),
                    workload.acked().size());

            String notes = String.format(
                    Locale.ROOT,
                    "%,d in flight at the peak (%,d produced to the buffer topic, %d HTTP clients on top); observatory-app"
                            + " heap used %s idle, %s at the peak, %s after; RSS %s, %s, %s; HTTP ack p50/p99 %s/%s before,"
                            + " %s/%s at the peak, p99 %s while draining; drained in %s; statuses asked: every HTTP write and %,d"
                            + " of the bulk",
                    peakInFlight,
                    BULK,
                    CLIENTS,
                    ObservatoryFootprint.mib(idle.heap()),
                    ObservatoryFootprint.mib(loaded.heap()),
                    ObservatoryFootprint.mib(after.heap()),
                    ObservatoryFootprint.mib(idle.rss()),
                    ObservatoryFootprint.mib(loaded.rss()),
                    ObservatoryFootprint.mib(after.rss()),
                    FaultScenario.ms(p50Before),
                    FaultScenario.ms(p99Before),
                    FaultScenario.ms(p50Loaded),
                    FaultScenario.ms(p99Loaded),
                    FaultScenario.ms(p99Draining),
                    FaultScenario.seconds(drained),
                    STATUS_SAMPLE);
            ReliabilityReport.record(new ReliabilityReport.Row(
                    "overload: 1,000,000 in flight",
                    findings.acknowledged(),
                    findings.lost(),
                    findings.duplicated(),
                    findings.failed(),
                    drained,
                    notes,
                    ReliabilityReport.command(OverloadFaultIT.class)));
            assertThat(findings.clean()).as("%s", findings).isTrue();
            assertThat(peakInFlight).isGreaterThanOrEqualTo(BULK);
        }
    }
}
