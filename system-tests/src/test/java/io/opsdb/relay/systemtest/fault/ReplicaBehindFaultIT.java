package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 4: the observatory's replica is stopped, then started but far behind (its replay paused while the
 * main site goes on committing). Reads at the observatory keep showing the writes in flight, health and
 * metrics report the replica, and once replay resumes everything becomes VISIBLE.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 4)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ReplicaBehindFaultIT {

    private static final int CLIENTS = 4;
    private static final int PER_PHASE = 2_000;

    @Test
    void whileTheReplicaIsDownOrFarBehindReadsShowTheWritesAndLagIsReported() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("replica stopped, then far behind");
        SiteHttp observatory = scenario.observatory();
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            long stopped = System.nanoTime();
            workload.pauseProbes(Duration.ofHours(1));
            stack.stop(LocalStack.REPLICA);

            int from = workload.ackedCount();
            workload.awaitMoreAcked(PER_PHASE, Duration.ofMinutes(10));
            assertThat(scenario.readBack(workload.ackedFrom(from)))
                    .as("writes unreadable at the observatory while its replica is down")
                    .isEmpty();
            Conditions.waitFor(
                    () -> "DOWN"
                            .equals(observatory
                                    .get("/health")
                                    .json()
                                    .get("components")
                                    .get("replica")
                                    .asText()),
                    Duration.ofSeconds(30),
                    "health did not report the replica DOWN");
            String healthWhileDown = observatory.get("/health").text("status");
            assertThat(healthWhileDown).isEqualTo("DEGRADED");

            // Far behind: up again, but replaying nothing while the main site keeps committing.
            stack.component(LocalStack.REPLICA).start();
            replay(false);
            long behind = System.nanoTime();
            from = workload.ackedCount();
            workload.awaitMoreAcked(PER_PHASE, Duration.ofMinutes(10));
            assertThat(scenario.readBack(workload.ackedFrom(from)))
                    .as("writes unreadable at the observatory while its replica is far behind")
                    .isEmpty();
            Conditions.waitFor(
                    () -> observatory
                                    .get("/api/buffer")
                                    .json()
                                    .get("replica_lag_bytes")
                                    .asLong()
                            > 0,
                    Duration.ofMinutes(2),
                    "the buffer did not report the replica's lag in bytes");
            long lagBytes = observatory
                    .get("/api/buffer")
                    .json()
                    .get("replica_lag_bytes")
                    .asLong();
            double lagSeconds = observatory
                    .get("/api/buffer")
                    .json()
                    .get("replica_lag_seconds")
                    .asDouble();
            String metrics = observatory.get("/actuator/prometheus").body();
            assertThat(metricValue(metrics, "relay_replica_lag_bytes"))
                    .as(metrics)
                    .isGreaterThan(0);
            assertThat(metricValue(metrics, "relay_replica_lag_seconds")).isGreaterThan(0);
            int inFlight =
                    observatory.get("/api/buffer").json().get("in_flight").asInt();

            replay(true);
            long healed = System.nanoTime();
            Duration recovered = scenario.healedAndDrained(workload, healed);

            String notes = "stopped " + FaultScenario.seconds(Duration.ofNanos(behind - stopped)) + " (health "
                    + healthWhileDown
                    + "), then replay paused " + FaultScenario.seconds(Duration.ofNanos(healed - behind))
                    + ": lag reported "
                    + lagBytes + " bytes, " + String.format(Locale.ROOT, "%.1f", lagSeconds) + " s, "
                    + inFlight
                    + " in flight; " + 2 * FaultScenario.READ_BACK_COUNT
                    + " reads during it all answered with the write";
            scenario.auditAndRecord(workload, recovered, notes, ReplicaBehindFaultIT.class);
        } finally {
            if (!stack.component(LocalStack.REPLICA).isRunning()) {
                stack.component(LocalStack.REPLICA).start();
            }
            replay(true);
        }
    }

    private static void replay(boolean on) throws Exception {
        try (Connection replica = TwoSiteStack.replica();
                Statement statement = replica.createStatement()) {
            statement.execute(on ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()");
        }
    }

    /** The value of an unlabelled gauge in Prometheus text (first sample of that name). */
    static double metricValue(String metrics, String name) {
        return metrics.lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name));
    }
}
