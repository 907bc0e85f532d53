package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 1: the WAN is down (both MirrorMaker 2 instances stopped) while the observatory acknowledges
 * thousands of writes: acknowledgements stay local, reads keep showing the writes, and after the heal the
 * backlog drains by itself and everything ends VISIBLE. 20,000 acknowledged in the {@code faults} profile,
 * 1,000 in CI.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 1)
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class WanOutageFaultIT {

    private static final int CLIENTS = 8;
    private static final int DURING_OUTAGE = FaultScenario.FULL ? 20_000 : 1_000;

    @Test
    void writesAcknowledgedDuringAWanOutageAreReadableAndDrainAfterItByThemselves() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("WAN outage");
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            long cut = System.nanoTime();
            double p50Before = workload.ackPercentileMs(50, 0, cut);
            double p99Before = workload.ackPercentileMs(99, 0, cut);
            int ackedBefore = workload.ackedCount();

            stack.stop(LocalStack.MM2_COLOGNE);
            stack.stop(LocalStack.MM2_OBSERVATORY);
            try {
                workload.awaitMoreAcked(DURING_OUTAGE, Duration.ofMinutes(30));
                long readsAt = System.nanoTime();
                assertThat(scenario.readBack(workload.ackedFrom(ackedBefore)))
                        .as("writes unreadable at the observatory during the outage")
                        .isEmpty();
                long healing = System.nanoTime();
                double p50During = workload.ackPercentileMs(50, cut, readsAt);
                double p99During = workload.ackPercentileMs(99, cut, readsAt);
                int ackedDuring = workload.ackedCount() - ackedBefore;

                stack.component(LocalStack.MM2_COLOGNE).start();
                stack.component(LocalStack.MM2_OBSERVATORY).start();
                long healed = System.nanoTime();
                Duration recovered = scenario.healedAndDrained(workload, healed);

                String notes = "outage " + FaultScenario.seconds(Duration.ofNanos(healing - cut)) + " with "
                        + ackedDuring
                        + " acknowledged in it; ack p50/p99 " + FaultScenario.ms(p50Before) + "/"
                        + FaultScenario.ms(p99Before)
                        + " before, " + FaultScenario.ms(p50During) + "/" + FaultScenario.ms(p99During) + " during; "
                        + FaultScenario.READ_BACK_COUNT + " reads during it all answered with the write; MM2 restart "
                        + FaultScenario.seconds(Duration.ofNanos(healed - healing));
                scenario.auditAndRecord(workload, recovered, notes, WanOutageFaultIT.class);
            } finally {
                for (String mm2 : List.of(LocalStack.MM2_COLOGNE, LocalStack.MM2_OBSERVATORY)) {
                    if (!stack.component(mm2).isRunning()) {
                        stack.component(mm2).start();
                    }
                }
            }
        }
    }
}
