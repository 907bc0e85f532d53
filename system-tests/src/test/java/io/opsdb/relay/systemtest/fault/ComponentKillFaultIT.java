package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario 2: kill -9 of each component in turn while several clients write at the observatory, then a restart
 * on its data. After each: nothing acknowledged lost (I1), no duplicate row (I2), finishes after their starts
 * (I3), every write VISIBLE and on the replica (I4). CI kills consumer-main (the applier and Debezium) only;
 * the {@code faults} profile kills every component.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 2)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ComponentKillFaultIT {

    private static final int CLIENTS = 4;
    private static final Duration DOWN = Duration.ofSeconds(15);

    static Stream<String> components() {
        return FaultScenario.FULL
                ? Stream.of(
                        LocalStack.OBSERVATORY_APP,
                        LocalStack.COLOGNE_APP,
                        LocalStack.MM2_COLOGNE,
                        LocalStack.MM2_OBSERVATORY,
                        LocalStack.KAFKA_OBSERVATORY,
                        LocalStack.KAFKA_COLOGNE,
                        LocalStack.PRIMARY,
                        LocalStack.REPLICA)
                : Stream.of(LocalStack.COLOGNE_APP);
    }

    @ParameterizedTest(name = "kill -9 {0}")
    @MethodSource("components")
    void aComponentKilledMidWorkloadLosesDuplicatesAndReordersNothing(String component) throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("kill -9 " + component);
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            long before = System.nanoTime();
            double p99Before = workload.ackPercentileMs(99, 0, before);

            long killed = System.nanoTime();
            stack.kill(component);
            assertThat(stack.component(component).isRunning())
                    .as("%s after kill -9", component)
                    .isFalse();
            // Down for a set time while the clients go on writing (buffered, or refused while the part they need is
            // down).
            FaultScenario.holdFor(DOWN);

            long restartBegin = System.nanoTime();
            stack.component(component).start();
            long healed = System.nanoTime();
            Duration recovered = scenario.healedAndDrained(workload, healed);

            String notes = "down " + FaultScenario.seconds(Duration.ofNanos(restartBegin - killed))
                    + ", restart " + FaultScenario.seconds(Duration.ofNanos(healed - restartBegin))
                    + "; ack p99 " + FaultScenario.ms(p99Before) + " before, "
                    + FaultScenario.ms(workload.ackPercentileMs(99, killed, healed)) + " while down"
                    + "; refused while down " + workload.refusalCount();
            scenario.auditAndRecord(workload, recovered, notes, ComponentKillFaultIT.class);
        } finally {
            if (!stack.component(component).isRunning()) {
                stack.component(component).start();
            }
        }
    }
}
