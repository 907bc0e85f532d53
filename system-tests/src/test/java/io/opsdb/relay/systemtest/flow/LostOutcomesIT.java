package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.Site;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outcome stream makes visibility fast, but the ledger is the truth: transactions whose outcomes never reach the
 * observatory (the outcome flow down, and the outcomes gone from Cologne's topic, as after an outage longer than a
 * retention) still become VISIBLE there, from its replica's {@code relay_ledger}, and VISIBLE still means the replica
 * has them (I4).
 */
@ExtendWith(TwoSiteStack.class)
class LostOutcomesIT {

    private static final int WRITES = 20;
    /** LedgerReconciler looks at transactions BUFFERED for over 30 s, every 10 s. */
    private static final Duration RECONCILED = Duration.ofMinutes(2);

    private final ObservatoryClient client = new ObservatoryClient(
            TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token(), Executors.newFixedThreadPool(4, runnable -> {
                Thread thread = new Thread(runnable, "lost-outcomes-http");
                thread.setDaemon(true);
                return thread;
            }));

    @Test
    void transactionsWhoseOutcomesAreLostBecomeVisibleFromTheReplicasLedger() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        stack.stop(LocalStack.MM2_OBSERVATORY);
        try {
            String run = "lost-outcomes-" + UUID.randomUUID().toString().substring(0, 8);
            List<ObservatoryClient.Accepted> written = new ArrayList<>();
            for (int i = 0; i < WRITES; i++) {
                ObservatoryClient.Accepted accepted = client.startObsUnit(run + "-" + i, "camera");
                assertThat(accepted.ok()).as("write %d: %s", i, accepted.body()).isTrue();
                written.add(accepted);
            }
            List<String> ids = written.stream()
                    .map(ObservatoryClient.Accepted::transactionId)
                    .toList();
            Conditions.waitFor(
                    () -> appliedAtTheMainSite(ids) == WRITES,
                    Duration.ofMinutes(2),
                    "the writes were not all applied at Cologne");
            long deleted = deleteOutcomesAtCologne(stack);
            assertThat(deleted).as("outcome records deleted at Cologne").isGreaterThanOrEqualTo(WRITES);
            assertThat(client.status(ids.get(0)).state())
                    .as("no outcome reached the observatory")
                    .isEqualTo("BUFFERED");

            for (String id : ids) {
                AtomicReference<ObservatoryClient.Status> status = new AtomicReference<>();
                // Short polls: the API answers a long poll pending for over 30 s with 503.
                Conditions.waitFor(
                        () -> "VISIBLE"
                                .equals(remember(status, client.status(id)).state()),
                        RECONCILED,
                        Duration.ofMillis(500),
                        id + " did not become VISIBLE from the ledger");
                // Read the replica the moment VISIBLE is reported: it must have the row (I4).
                assertThat(replicaHas(written.get(ids.indexOf(id)).recordId()))
                        .as("replica has %s when VISIBLE", id)
                        .isTrue();
                assertThat(Lsn.valueOf(status.get().commitLsn()))
                        .as("reported commit LSN of %s", id)
                        .isLessThanOrEqualTo(replicaReplayed());
            }
        } finally {
            stack.component(LocalStack.MM2_OBSERVATORY).start();
        }
    }

    private static ObservatoryClient.Status remember(
            AtomicReference<ObservatoryClient.Status> last, ObservatoryClient.Status status) {
        last.set(status);
        return status;
    }

    private static long appliedAtTheMainSite(List<String> ids) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement count = primary.prepareStatement(
                        "SELECT count(*) FROM relay_ledger WHERE status = 'APPLIED' AND transaction_id = ANY (CAST(? AS uuid[]))")) {
            count.setArray(1, primary.createArrayOf("text", ids.toArray()));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Deletes every record of the observatory's outcomes topic at Cologne: no MirrorMaker 2 can bring them any more. Returns how many. */
    private static long deleteOutcomesAtCologne(LocalStack stack) throws Exception {
        TopicPartition outcomes = new TopicPartition(RelayTopics.outcomes(Site.OBSERVATORY.siteName()), 0);
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.mainBootstrapServers()))) {
            long end = admin.listOffsets(Map.of(outcomes, OffsetSpec.latest()))
                    .partitionResult(outcomes)
                    .get()
                    .offset();
            long start = admin.listOffsets(Map.of(outcomes, OffsetSpec.earliest()))
                    .partitionResult(outcomes)
                    .get()
                    .offset();
            admin.deleteRecords(Map.of(outcomes, RecordsToDelete.beforeOffset(end)))
                    .all()
                    .get();
            return end - start;
        }
    }

    private static boolean replicaHas(String obsUnitRecordId) throws Exception {
        try (Connection replica = TwoSiteStack.replica();
                PreparedStatement select =
                        replica.prepareStatement("SELECT 1 FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            select.setString(1, obsUnitRecordId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static Lsn replicaReplayed() throws Exception {
        try (Connection replica = TwoSiteStack.replica();
                PreparedStatement select = replica.prepareStatement("SELECT pg_last_wal_replay_lsn()::text");
                ResultSet rows = select.executeQuery()) {
            rows.next();
            return Lsn.valueOf(rows.getString(1));
        }
    }
}
