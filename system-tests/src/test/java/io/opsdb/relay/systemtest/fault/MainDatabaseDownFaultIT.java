package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 3: the main database is down for minutes while the observatory keeps acknowledging writes. The
 * applier retries with back-off and pauses, never turning a transient error into a FAILED outcome, and resumes
 * by itself when the database is back; nothing is skipped.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 3)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class MainDatabaseDownFaultIT {

    private static final int CLIENTS = 4;
    private static final Duration OUTAGE = Duration.ofMinutes(3);

    @Test
    void theApplierWaitsOutAStoppedMainDatabaseAndFailsNothing() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("main database down for minutes");
        SiteHttp main = new SiteHttp(stack.mainApi(), TwoSiteStack.token());
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            int failedBefore = scenario.observatory()
                    .get("/api/buffer")
                    .json()
                    .get("failed")
                    .asInt();
            int ackedBefore = workload.ackedCount();

            long down = System.nanoTime();
            stack.stop(LocalStack.PRIMARY);
            Conditions.waitFor(
                    () -> "DOWN"
                            .equals(main.get("/health")
                                    .json()
                                    .get("components")
                                    .get("database")
                                    .asText()),
                    Duration.ofMinutes(1),
                    "the main site's health did not report its database DOWN");
            FaultScenario.holdFor(OUTAGE.minusNanos(System.nanoTime() - down));
            String mainHealth = main.get("/health").json().get("components").toString();
            int ackedDuring = workload.ackedCount() - ackedBefore;
            double p99During = workload.ackPercentileMs(99, down, System.nanoTime());

            stack.component(LocalStack.PRIMARY).start();
            long healed = System.nanoTime();
            Duration recovered = scenario.healedAndDrained(workload, healed);
            assertThat(scenario.observatory()
                            .get("/api/buffer")
                            .json()
                            .get("failed")
                            .asInt())
                    .as("FAILED transactions after a transient outage")
                    .isEqualTo(failedBefore);

            String notes =
                    "primary stopped " + FaultScenario.seconds(Duration.ofNanos(healed - down)) + " with " + ackedDuring
                            + " acknowledged meanwhile (ack p99 " + FaultScenario.ms(p99During)
                            + "); main health at the end of it "
                            + mainHealth.replace("\"", "") + "; no FAILED outcome";
            scenario.auditAndRecord(workload, recovered, notes, MainDatabaseDownFaultIT.class);
        } finally {
            if (!stack.component(LocalStack.PRIMARY).isRunning()) {
                stack.component(LocalStack.PRIMARY).start();
            }
        }
    }
}
