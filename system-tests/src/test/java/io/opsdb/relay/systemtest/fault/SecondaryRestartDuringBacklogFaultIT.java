package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 7: producer-secondary restarted while thousands of its transactions wait for the WAN. Every status
 * reads the same after the restart as before it, reads still show the writes (the overlay is rebuilt from
 * Kafka, not kept on the heap), and after the heal everything ends VISIBLE.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 6)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@DisabledIfSystemProperty(
        named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
        matches = "false",
        disabledReason = "the heap tracker does not survive a restart")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class SecondaryRestartDuringBacklogFaultIT {

    private static final int CLIENTS = 4;
    private static final int BACKLOG = 5_000;

    @Test
    void statusesAndTheOverlaySurviveARestartDuringABacklog() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("restart of observatory-app during a backlog");
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            stack.stop(LocalStack.MM2_COLOGNE);
            long restartBegin;
            long restarted;
            Map<String, String> before;
            List<FaultWorkload.Ack> backlog;
            try {
                int from = workload.ackedCount();
                workload.awaitMoreAcked(BACKLOG, Duration.ofMinutes(15));
                workload.stop();
                backlog = workload.ackedFrom(from);
                List<String> ids =
                        backlog.stream().map(FaultWorkload.Ack::transactionId).toList();
                before = RelayAudit.observatoryStates(workload.client(), ids);
                assertThat(before.values()).as("the backlog waits for the WAN").containsOnly("BUFFERED");

                restartBegin = System.nanoTime();
                stack.restart(LocalStack.OBSERVATORY_APP);
                restarted = System.nanoTime();

                assertThat(RelayAudit.observatoryStates(workload.client(), ids))
                        .as("statuses after the restart")
                        .isEqualTo(before);
                assertThat(scenario.readBack(backlog))
                        .as("writes unreadable at the observatory after the restart")
                        .isEmpty();
                assertThat(scenario.observatory()
                                .get("/api/buffer")
                                .json()
                                .get("in_flight")
                                .asInt())
                        .isGreaterThanOrEqualTo(backlog.size());
            } finally {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
            long healed = System.nanoTime();
            Duration recovered = scenario.drained(workload, healed);

            String notes = before.size() + " BUFFERED at the restart, the same after it; restart "
                    + FaultScenario.seconds(Duration.ofNanos(restarted - restartBegin)) + "; "
                    + FaultScenario.READ_BACK_COUNT + " reads after it all answered with the write";
            scenario.auditAndRecord(workload, recovered, notes, SecondaryRestartDuringBacklogFaultIT.class);
        }
    }
}
