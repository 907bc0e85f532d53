package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** I3: a site's transactions are applied in the order they were acknowledged. */
@ExtendWith(TwoSiteStack.class)
class OrderIT {

    private static final int UNITS_PER_CLIENT = 50;
    private static final int CLIENTS = 4;

    record Unit(String id, String startTx, String finishTx) {}

    @Test
    void aFinishIsAlwaysAppliedAfterItsStart() throws Exception {
        ExecutorService http = Executors.newFixedThreadPool(4);
        ObservatoryClient client = new ObservatoryClient(
                TwoSiteStack.stack().observatoryApi(), TwoSiteStack.stack().serviceToken(), http);
        List<Unit> units = Collections.synchronizedList(new ArrayList<>());
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client0 = c;
            work.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < UNITS_PER_CLIENT; i++) {
                            try {
                                // No wait between the two: the finish is acknowledged right behind its start.
                                ObservatoryClient.Accepted start =
                                        client.startObsUnit("order-" + client0 + "-" + i, "camera");
                                ObservatoryClient.Accepted finish = client.finishObsUnit(start.recordId(), "completed");
                                assertThat(finish.status()).as(finish.body()).isEqualTo(201);
                                units.add(new Unit(start.recordId(), start.transactionId(), finish.transactionId()));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    },
                    clients));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        assertThat(units).hasSize(CLIENTS * UNITS_PER_CLIENT);

        for (Unit unit : units) {
            ObservatoryClient.Status status =
                    client.whenVisible(unit.finishTx(), Duration.ofSeconds(120)).get();
            assertThat(status.state()).as(status.body()).isEqualTo("VISIBLE");
        }
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement check = primary.prepareStatement("""
                        SELECT s.source_offset, f.source_offset, s.applied_at <= f.applied_at, u.status
                        FROM relay_ledger s, relay_ledger f, executed_obs_unit u
                        WHERE s.transaction_id = CAST(? AS uuid) AND f.transaction_id = CAST(? AS uuid)
                          AND u.id = CAST(? AS uuid) AND s.status = 'APPLIED' AND f.status = 'APPLIED'""")) {
            for (Unit unit : units) {
                check.setString(1, unit.startTx());
                check.setString(2, unit.finishTx());
                check.setString(3, unit.id());
                try (ResultSet row = check.executeQuery()) {
                    assertThat(row.next()).as("both applied for %s", unit).isTrue();
                    assertThat(row.getLong(2))
                            .as("finish offset after start offset")
                            .isGreaterThan(row.getLong(1));
                    assertThat(row.getBoolean(3))
                            .as("finish applied no earlier than start")
                            .isTrue();
                    assertThat(row.getString(4)).isEqualTo("completed");
                }
            }
        }
        clients.shutdown();
        http.shutdown();
    }
}
