package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 7, finding 1: the whole stack stopped while writes wait for the WAN, and started again on the same work
 * directory as {@code bin/relay up} does. What was in the primary before the stop is still there, the stack keeps its
 * identity (database password, API tokens, Kafka cluster ids), every buffered write drains after the start, and
 * each is applied exactly once.
 *
 * <p>A stack of its own (it is stopped and started), on ports apart from the shared one's
 * ({@code relay.it.port-offset} + 250).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class StackRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(StackRestartIT.class);

    private static final int PORT_OFFSET = Integer.getInteger("relay.it.port-offset", 500) + 250;
    private static final String WORK_DIR = "system-tests/target/stack-restart-it";
    private static final int CLIENTS = 4;
    /** Applied and VISIBLE before the stop: they must still be in the primary after it. */
    private static final int SETTLED = 20;
    /** Acknowledged while the WAN is down: BUFFERED at the observatory when the stack stops. */
    private static final int BACKLOG = 300;

    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private final ExecutorService http = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "restart-it-http");
        thread.setDaemon(true);
        return thread;
    });
    private LocalStack stack;

    @AfterEach
    void stopStack() {
        http.shutdownNow();
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    void aStopDuringABacklogLosesNothingAndTheNextStartAppliesEachBufferedWriteOnce() throws Exception {
        StackConfig defaults = StackConfig.fromEnvironment();
        StackConfig config = defaults.withWorkDir(defaults.relayHome().resolve(Path.of(WORK_DIR)))
                .withPorts(defaults.ports().withOffset(PORT_OFFSET))
                .withApplications(true);
        stack = LocalStack.startFresh(config);
        Identity before = Identity.of(stack);
        String run = "restart-" + UUID.randomUUID().toString().substring(0, 8);

        List<ObservatoryClient.Accepted> settled = write(run + "-settled", SETTLED);
        for (ObservatoryClient.Accepted write : settled) {
            assertThat(client().whenVisible(write.transactionId(), SETTLE_TIMEOUT)
                            .join()
                            .state())
                    .as("%s before the stop", write.transactionId())
                    .isEqualTo("VISIBLE");
        }

        // The WAN is down both ways: what is acknowledged now waits in the observatory's Kafka.
        stack.stop(LocalStack.MM2_COLOGNE);
        stack.stop(LocalStack.MM2_OBSERVATORY);
        List<ObservatoryClient.Accepted> backlog = write(run + "-buffered", BACKLOG);
        assertThat(states(backlog).values()).as("the backlog at the stop").containsOnly("BUFFERED");

        stack.stop();
        assertThat(stack.components()).as("components after the stop").noneMatch(StackComponent::isRunning);

        long startBegin = System.nanoTime();
        stack = LocalStack.start(config);
        Duration start = Duration.ofNanos(System.nanoTime() - startBegin);

        assertThat(unitsAt(stack.primaryJdbcUrl(), run + "-settled-%"))
                .as("units in the primary after the start, of %d settled before the stop", SETTLED)
                .isEqualTo(SETTLED);
        assertThat(Identity.of(stack))
                .as("the stack's password, tokens and Kafka cluster ids")
                .isEqualTo(before);

        SiteHttp observatory = new SiteHttp(stack.observatoryApi(), stack.serviceToken());
        Conditions.waitFor(
                () -> observatory.get("/api/buffer").json().get("in_flight").asInt() == 0,
                DRAIN_TIMEOUT,
                Duration.ofSeconds(1),
                "the backlog acknowledged before the stop did not drain after the start");
        Duration drained = Duration.ofNanos(System.nanoTime() - startBegin);

        List<ObservatoryClient.Accepted> acknowledged = new ArrayList<>(settled);
        acknowledged.addAll(backlog);
        assertThat(states(acknowledged).values())
                .as("every acknowledged write after the drain")
                .containsOnly("VISIBLE");
        Map<String, Integer> ledger = ledgerStatuses(acknowledged);
        int applied = ledger.getOrDefault("APPLIED", 0);
        int failed = ledger.getOrDefault("FAILED", 0);
        int units = unitsAt(stack.primaryJdbcUrl(), run + "-%");
        int distinctUnits = distinctUnitsAt(stack.primaryJdbcUrl(), run + "-%");
        int lost = acknowledged.size() - applied - failed;
        int duplicated = units - distinctUnits;
        String notes = BACKLOG + " BUFFERED at the stop (both MirrorMaker 2 stopped), " + SETTLED
                + " VISIBLE before it; start " + FaultScenario.seconds(start) + ", everything VISIBLE "
                + FaultScenario.seconds(drained) + " after the start began; password, tokens and cluster ids unchanged";
        LOG.info(
                "Restart with a backlog: acknowledged {}, applied {}, failed {}, lost {}, duplicated {}; {}",
                acknowledged.size(),
                applied,
                failed,
                lost,
                duplicated,
                notes);
        ReliabilityReport.record(new ReliabilityReport.Row(
                "restart of the whole stack with a backlog",
                acknowledged.size(),
                lost,
                duplicated,
                failed,
                drained,
                notes,
                "./mvnw verify -Dit.test=" + StackRestartIT.class.getSimpleName()));

        assertThat(ledger).as("ledger rows at the primary by status").isEqualTo(Map.of("APPLIED", acknowledged.size()));
        assertThat(units).as("obs unit rows at the primary, one per unit").isEqualTo(acknowledged.size());
        assertThat(distinctUnits).as("distinct obs units at the primary").isEqualTo(acknowledged.size());
        Conditions.waitFor(
                () -> unitsAt(stack.replicaJdbcUrl(), run + "-%") == acknowledged.size(),
                SETTLE_TIMEOUT,
                "the replica did not serve every unit the primary has");
    }

    /** {@code count} obs units started from {@link #CLIENTS} concurrent clients; each must be acknowledged. */
    private List<ObservatoryClient.Accepted> write(String prefix, int count) throws Exception {
        ObservatoryClient client = client();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<ObservatoryClient.Accepted>> writes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String obsUnitId = prefix + "-" + i;
                writes.add(clients.submit(() -> client.startObsUnit(obsUnitId, "restart-camera")));
            }
            List<ObservatoryClient.Accepted> accepted = new ArrayList<>();
            for (Future<ObservatoryClient.Accepted> write : writes) {
                ObservatoryClient.Accepted answer = write.get(2, TimeUnit.MINUTES);
                assertThat(answer.ok())
                        .as("%d %s", answer.status(), answer.body())
                        .isTrue();
                accepted.add(answer);
            }
            return accepted;
        } finally {
            clients.shutdownNow();
        }
    }

    private ObservatoryClient client() {
        return new ObservatoryClient(stack.observatoryApi(), stack.serviceToken(), http);
    }

    /** Each write's state at the observatory, by transaction id. */
    private Map<String, String> states(List<ObservatoryClient.Accepted> writes) throws Exception {
        ObservatoryClient client = client();
        Map<String, String> states = new TreeMap<>();
        for (ObservatoryClient.Accepted write : writes) {
            ObservatoryClient.Status status = client.status(write.transactionId());
            states.put(
                    write.transactionId(), status.httpStatus() == 200 ? status.state() : "HTTP " + status.httpStatus());
        }
        return states;
    }

    private Map<String, Integer> ledgerStatuses(List<ObservatoryClient.Accepted> writes) throws SQLException {
        Map<String, Integer> statuses = new TreeMap<>();
        try (Connection primary = connect(stack.primaryJdbcUrl());
                PreparedStatement select = primary.prepareStatement(
                        "SELECT status, count(*) FROM relay_ledger WHERE transaction_id = ANY (?) GROUP BY status")) {
            select.setArray(
                    1,
                    primary.createArrayOf(
                            "uuid",
                            writes.stream()
                                    .map(ObservatoryClient.Accepted::transactionId)
                                    .toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    statuses.put(rows.getString(1), rows.getInt(2));
                }
            }
        }
        return statuses;
    }

    private int unitsAt(String jdbcUrl, String obsUnitIdPattern) throws SQLException {
        return count(jdbcUrl, "SELECT count(*) FROM executed_obs_unit WHERE obs_unit_id LIKE ?", obsUnitIdPattern);
    }

    private int distinctUnitsAt(String jdbcUrl, String obsUnitIdPattern) throws SQLException {
        return count(
                jdbcUrl,
                "SELECT count(DISTINCT obs_unit_id) FROM executed_obs_unit WHERE obs_unit_id LIKE ?",
                obsUnitIdPattern);
    }

    private int count(String jdbcUrl, String sql, String parameter) throws SQLException {
        try (Connection db = connect(jdbcUrl);
                PreparedStatement count = db.prepareStatement(sql)) {
            count.setString(1, parameter);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private Connection connect(String jdbcUrl) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, stack.dbUser(), stack.dbPassword());
    }

    /**
     * What makes the stack the same stack to its users and its parts; secrets as fingerprints, so that a failed
     * comparison can be printed.
     */
    private record Identity(
            String dbPassword,
            String serviceToken,
            String adminToken,
            String cologneClusterId,
            String observatoryClusterId) {

        static Identity of(LocalStack stack) throws Exception {
            return new Identity(
                    fingerprint(stack.dbPassword()),
                    fingerprint(stack.serviceToken()),
                    fingerprint(stack.adminToken()),
                    clusterId(stack.mainBootstrapServers()),
                    clusterId(stack.observatoryBootstrapServers()));
        }

        private static String fingerprint(String secret) throws Exception {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        }

        private static String clusterId(String bootstrapServers) throws Exception {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
                return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
