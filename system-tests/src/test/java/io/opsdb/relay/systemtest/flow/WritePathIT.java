package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.demo.ObservatoryWorkload;
import io.opsdb.relay.infra.demo.ObservatoryWorkload.Progress;
import io.opsdb.relay.infra.demo.ObservatoryWorkload.Write;
import io.opsdb.relay.infra.demo.Periodic;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The write path end to end on real parts: observatory API, its Kafka cluster, MirrorMaker 2, the
 * applier at Cologne, the primary, Debezium, MirrorMaker 2 back, and the observatory's own replica.
 */
@ExtendWith(TwoSiteStack.class)
class WritePathIT {

    private static final int WRITES = 1000;
    private static final int CLIENTS = 4;
    private static final int PROBE_CONNECTIONS = 4;

    @Test
    void everyAcknowledgedWriteIsAppliedOnceAndFoundOnTheReplicaTheMomentItIsVisible() throws Exception {
        Map<String, String> misses = new ConcurrentHashMap<>();
        AtomicInteger probed = new AtomicInteger();
        // The probe runs on whichever thread completes the HTTP response: share a few connections.
        BlockingQueue<Connection> replicaConnections = new ArrayBlockingQueue<>(PROBE_CONNECTIONS);
        for (int i = 0; i < PROBE_CONNECTIONS; i++) {
            replicaConnections.add(TwoSiteStack.replica());
        }
        ObservatoryWorkload workload = new ObservatoryWorkload(
                TwoSiteStack.stack().observatoryApi(), TwoSiteStack.stack().serviceToken());
        ObservatoryWorkload.Result result;
        // What bin/relay demo prints as it runs, sampled as it does.
        List<Progress> progress = new CopyOnWriteArrayList<>();
        try (Periodic sampler =
                Periodic.every(Duration.ofMillis(100), "progress", () -> progress.add(workload.progress()))) {
            result = workload.run(
                    "it-" + UUID.randomUUID(), WRITES, CLIENTS, Duration.ofSeconds(120), (write, status) -> {
                        if (!"VISIBLE".equals(status.state())) {
                            return;
                        }
                        // I4: the moment it is reported VISIBLE, a fresh read of the replica finds it.
                        probed.incrementAndGet();
                        Connection replica = null;
                        try {
                            replica = replicaConnections.take();
                            try (PreparedStatement select = replica.prepareStatement(
                                    "SELECT count(*) FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
                                select.setString(1, write.recordId());
                                try (ResultSet rows = select.executeQuery()) {
                                    rows.next();
                                    if (rows.getInt(1) != 1) {
                                        misses.put(write.transactionId(), write.recordId());
                                    }
                                }
                            }
                        } catch (SQLException | InterruptedException e) {
                            misses.put(write.transactionId(), "error " + e.getMessage());
                        } finally {
                            if (replica != null) {
                                replicaConnections.add(replica);
                            }
                        }
                    });
        } finally {
            workload.close();
            for (Connection c : replicaConnections) {
                c.close();
            }
        }

        assertThat(result.refusals()).as("refused writes").isEmpty();
        assertThat(workload.progress()).isEqualTo(new Progress(WRITES, WRITES, 0, WRITES, 0));
        assertThat(progress)
                .as("progress while it ran")
                .anySatisfy(p -> assertThat(p.visible()).isBetween(1, WRITES - 1))
                .isSortedAccordingTo(Comparator.comparingInt(Progress::acknowledged))
                .isSortedAccordingTo(Comparator.comparingInt(Progress::visible));
        assertThat(result.acknowledged()).hasSize(WRITES);
        assertThat(result.waitFailures()).as("failed waits for visibility").isEmpty();
        assertThat(result.settled())
                .as("settled")
                .hasSize(WRITES)
                .allSatisfy(s -> assertThat(s.state()).as(s.body()).isEqualTo("VISIBLE"));
        assertThat(probed).hasValue(WRITES);
        assertThat(misses).as("VISIBLE but not on the replica (I4)").isEmpty();

        List<String> transactions =
                result.acknowledged().stream().map(Write::transactionId).toList();
        List<String> records =
                result.acknowledged().stream().map(Write::recordId).toList();
        try (Connection primary = TwoSiteStack.primary()) {
            assertThat(count(
                            primary,
                            "SELECT count(*) FROM relay_ledger WHERE status = 'APPLIED' AND transaction_id = ANY (?)",
                            transactions))
                    .as("APPLIED ledger rows")
                    .isEqualTo(WRITES);
            assertThat(count(primary, "SELECT count(*) FROM executed_obs_unit WHERE id = ANY (?)", records))
                    .as("rows at main")
                    .isEqualTo(WRITES);
            assertThat(count(
                            primary,
                            "SELECT count(DISTINCT obs_unit_id) FROM executed_obs_unit WHERE id = ANY (?)",
                            records))
                    .as("distinct obs units at main")
                    .isEqualTo(WRITES);
        }
    }

    static long count(Connection db, String sql, List<String> uuids) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            Array array = db.createArrayOf(
                    "uuid", uuids.stream().map(UUID::fromString).toArray());
            statement.setArray(1, array);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
