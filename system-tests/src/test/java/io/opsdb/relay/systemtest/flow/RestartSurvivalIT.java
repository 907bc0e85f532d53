package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-flight state of a secondary survives a restart of its application: with TRANSACTION_STATE_STORE on,
 * it lives in Kafka Streams state stores rebuilt from Kafka, so a restart while commands wait for the WAN
 * loses neither their status nor the overlay that reads merge. Skipped only when the stack is started with
 * {@code -Drelay.transaction-state-store=false} (the heap tracker).
 */
@ExtendWith(TwoSiteStack.class)
@DisabledIfSystemProperty(
        named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
        matches = "false",
        disabledReason = "the stack runs with the heap tracker, which does not survive a restart")
class RestartSurvivalIT {

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());

    @Test
    void bufferedTransactionsAndTheirOverlaySurviveARestartAndEndVisible() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        SiteHttp.Answer warmUp = startUnit("restart/warm-up");
        assertThat(observatory.whenSettled(warmUp.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");

        // The WAN is down for commands: everything below waits in the observatory's buffer.
        stack.stop(LocalStack.MM2_COLOGNE);
        List<String> transactions = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SiteHttp.Answer started = startUnit("restart/" + i);
            transactions.add(started.text("transaction_id"));
            units.add(started.text("id"));
        }
        SiteHttp.Answer finished =
                observatory.put("/executed_obs_units/" + units.get(0) + "/finish", map("status", "completed"));
        assertThat(finished.status()).as(finished.body()).isEqualTo(201);
        transactions.add(finished.text("transaction_id"));

        stack.restart(LocalStack.OBSERVATORY_APP);

        for (String tx : transactions) {
            SiteHttp.Answer status = observatory.get("/api/transactions/" + tx);
            assertThat(status.status())
                    .as("%s after the restart: %s", tx, status.body())
                    .isEqualTo(200);
            assertThat(status.text("state")).as(tx).isEqualTo("BUFFERED");
        }
        for (String unit : units) {
            SiteHttp.Answer read = observatory.get("/executed_obs_units/" + unit);
            assertThat(read.status())
                    .as("%s from the overlay: %s", unit, read.body())
                    .isEqualTo(200);
        }
        assertThat(observatory.get("/executed_obs_units/" + units.get(0)).text("status"))
                .isEqualTo("completed");

        stack.component(LocalStack.MM2_COLOGNE).start();
        for (String tx : transactions) {
            assertThat(observatory.whenSettled(tx).text("state")).as(tx).isEqualTo("VISIBLE");
        }
        assertThat(observatory.get("/executed_obs_units/" + units.get(0)).text("status"))
                .isEqualTo("completed");
    }

    private SiteHttp.Answer startUnit(String obsUnitId) throws Exception {
        Map<String, Object> body = map("obs_unit_id", "uid://" + obsUnitId, "instrument", "camera");
        SiteHttp.Answer accepted = observatory.post("/executed_obs_units/start", body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        return accepted;
    }
}
