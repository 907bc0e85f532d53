package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 5: poison commands mixed into a running workload. Starts referring to an observing program are
 * buffered while the WAN is down, and the program is deleted at Cologne meanwhile, so they violate a foreign key
 * there: they end FAILED with their reason, the workload's writes flow past them, and once the program exists
 * again an operator's retry applies every one.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 5)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class PoisonUnderLoadFaultIT {

    private static final int CLIENTS = 4;
    private static final int POISON = 20;

    @Test
    void poisonFailsWithItsReasonTheRestFlowsPastAndARetryAppliesIt() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("poison commands");
        SiteHttp observatory = scenario.observatory();
        String program = UUID.randomUUID().toString();
        programAtMain(program, true);
        Conditions.waitFor(
                () -> observatory.get("/observing_programs/" + program).status() == 200,
                Duration.ofMinutes(2),
                "the program did not reach the observatory");

        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            stack.stop(LocalStack.MM2_COLOGNE);
            List<FaultWorkload.Ack> poison = new ArrayList<>();
            try {
                for (int i = 0; i < POISON; i++) {
                    String obsUnitId = scenario.run() + "-poison-" + i;
                    SiteHttp.Answer accepted = observatory.post(
                            "/executed_obs_units/start",
                            SiteHttp.map(
                                    "obs_unit_id",
                                    obsUnitId,
                                    "instrument",
                                    "fault-camera",
                                    "observing_program_id",
                                    program));
                    assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
                    poison.add(new FaultWorkload.Ack(
                            accepted.text("transaction_id"),
                            accepted.text("id"),
                            obsUnitId,
                            null,
                            0,
                            System.nanoTime()));
                    workload.awaitMoreAcked(10, Duration.ofMinutes(1));
                }
                // The cause, made at Cologne while the commands wait in the observatory's buffer.
                programAtMain(program, false);
            } finally {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
            long healed = System.nanoTime();
            Duration flowedPast = scenario.healedAndDrained(workload, healed);

            for (FaultWorkload.Ack ack : poison) {
                SiteHttp.Answer status = observatory.get("/api/transactions/" + ack.transactionId());
                assertThat(status.text("state")).as(status.body()).isEqualTo("FAILED");
                assertThat(status.text("error")).contains("23503").contains("observing_program");
            }

            // Fixed at Cologne, then retried by an operator at the observatory.
            programAtMain(program, true);
            long retried = System.nanoTime();
            for (FaultWorkload.Ack ack : poison) {
                SiteHttp.Answer retry =
                        observatory.post("/api/transactions/" + ack.transactionId() + "/retry", Map.of());
                assertThat(retry.status()).as(retry.body()).isEqualTo(200);
            }
            for (FaultWorkload.Ack ack : poison) {
                assertThat(observatory.whenSettled(ack.transactionId()).text("state"))
                        .isEqualTo("VISIBLE");
            }
            Duration retryToVisible = Duration.ofNanos(System.nanoTime() - retried);

            List<FaultWorkload.Ack> all = new ArrayList<>(workload.acked());
            all.addAll(poison);
            String notes =
                    POISON + " poison starts among " + workload.ackedCount() + " workload writes: all FAILED with"
                            + " 23503 and the rest VISIBLE " + FaultScenario.seconds(flowedPast)
                            + " after the heal; retried after the"
                            + " fix, all VISIBLE in " + FaultScenario.seconds(retryToVisible) + "; live I4 probes "
                            + workload.probed()
                            + ", misses " + workload.probeMisses();
            scenario.auditAndRecord(
                    all,
                    workload.client(),
                    poison.stream().map(FaultWorkload.Ack::transactionId).toList(),
                    flowedPast.compareTo(retryToVisible) > 0 ? flowedPast : retryToVisible,
                    notes,
                    PoisonUnderLoadFaultIT.class,
                    workload.probeMissDetails());
        }
    }

    private static void programAtMain(String id, boolean exists) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement change = primary.prepareStatement(
                        exists
                                ? "INSERT INTO observing_program (id, code, title) VALUES (CAST(? AS uuid), 'poison-' || ?, 'fault suite')"
                                : "DELETE FROM observing_program WHERE id = CAST(? AS uuid)")) {
            change.setString(1, id);
            if (exists) {
                change.setString(2, id);
            }
            assertThat(change.executeUpdate()).isEqualTo(1);
        }
    }
}
