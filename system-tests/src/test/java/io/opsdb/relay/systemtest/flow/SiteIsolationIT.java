package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.SecondarySite;
import io.opsdb.relay.infra.SiteList;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.Prometheus;
import io.opsdb.relay.testsupport.RawRecords;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sites isolated at Cologne: each origin site has an applier of its own, so a site whose commands cannot be applied
 * now (a row lock held at the primary, then a poison command behind it) delays no other site, and resumes in its own
 * order once the lock is gone. And a site whose name is the main site's own is refused: its commands are counted,
 * never applied.
 *
 * <p>It needs three secondaries: it runs in the multi-site execution of infra's pom, after {@code MultiSiteIT} has
 * added a third site to that stack, and adds one itself when run alone:
 * <pre>
 * ./mvnw -pl system-tests -am verify -Dit.test=SiteIsolationIT -Drelay.it.sites=observatory,summit,lab
 * </pre>
 */
@ExtendWith(TwoSiteStack.class)
@EnabledIfSystemProperty(named = TwoSiteStack.SITES_PROPERTY, matches = ".+,.+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SiteIsolationIT {

    private static final Logger LOG = LoggerFactory.getLogger(SiteIsolationIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes per unblocked site in each measurement, each acknowledged and VISIBLE before the next is sent. */
    private static final int WRITES = 8;

    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private static final ExecutorService HTTP = Executors.newFixedThreadPool(8);

    @BeforeAll
    static void threeSecondaries() {
        LocalStack stack = TwoSiteStack.stack();
        List<String> names = new ArrayList<>(stack.sites().names());
        if (names.size() < 3) {
            names.add(names.contains("mesa") ? "butte" : "mesa");
            stack.addSites(SiteList.of(names));
        }
    }

    @AfterAll
    static void stopClients() {
        HTTP.shutdownNow();
    }

    @Test
    @Order(1)
    void aLockedAndPoisonedSiteDelaysNoOtherSiteAndResumesInItsOwnOrder() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        List<String> sites = stack.sites().names();
        String blocked = sites.get(0);
        List<String> others = sites.subList(1, sites.size());
        ObservatoryClient atBlocked = client(stack, blocked);
        String run = "isolation-" + UUID.randomUUID().toString().substring(0, 8);

        Map<String, List<Long>> baseline = visibleLatencies(stack, others, run + "-baseline");

        // A program the blocked site can reference (its replica has it), deleted at the primary later: the poison.
        String program = UUID.randomUUID().toString();
        ObservingPrograms.create(program, "isolation");
        Conditions.waitFor(
                () -> programOnReplica(stack, blocked, program),
                SETTLE,
                "the program did not reach " + blocked + "'s replica");
        ObservatoryClient.Accepted unit = atBlocked.startObsUnit(run + "-locked", blocked + "-camera");
        assertThat(unit.status()).as(unit.body()).isEqualTo(201);
        assertThat(atBlocked
                        .whenVisible(unit.transactionId(), VISIBLE_TIMEOUT)
                        .get()
                        .state())
                .isEqualTo("VISIBLE");

        List<ObservatoryClient.Accepted> queued = new ArrayList<>();
        Map<String, List<Long>> during;
        try (Connection lock = TwoSiteStack.primary()) {
            lock.setAutoCommit(false);
            // The row only the blocked site's next commands touch, held as an operator's open session would.
            try (PreparedStatement select =
                    lock.prepareStatement("SELECT id FROM executed_obs_unit WHERE id = CAST(? AS uuid) FOR UPDATE")) {
                select.setString(1, unit.recordId());
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next()).isTrue();
                }
            }
            try {
                queued.add(accepted(atBlocked.noteObsUnit(unit.recordId(), "held-1")));
                queued.add(accepted(startUnitWithProgram(stack, blocked, run + "-poison", program)));
                queued.add(accepted(atBlocked.noteObsUnit(unit.recordId(), "held-2")));
                queued.add(accepted(atBlocked.startObsUnit(run + "-after", blocked + "-camera")));
                ObservingPrograms.delete(program);

                Conditions.waitFor(
                        () -> lockWaiters() > 0, SETTLE, blocked + "'s applier never waited on the held row lock");
                Conditions.waitFor(
                        () -> waitingCommands(stack, blocked) >= queued.size(),
                        SETTLE,
                        "/api/buffer at cologne never showed " + blocked + "'s commands waiting");

                during = visibleLatencies(stack, others, run + "-during");

                // The others were applied and VISIBLE while the blocked site's first command still waited.
                assertThat(lockWaiters())
                        .as("the blocked site's applier still waits")
                        .isPositive();
                assertThat(ledgerRow(queued.get(0).transactionId()))
                        .as("the held command is not applied yet")
                        .isNull();
                JsonNode origins = buffer(stack).get("origin_sites");
                assertThat(origins.get(blocked).get("waiting_commands").asLong())
                        .isGreaterThanOrEqualTo(queued.size());
                for (String other : others) {
                    assertThat(origins.get(other).get("state").asText()).isEqualTo("APPLYING");
                }
                String scrape = Prometheus.scrape(stack.mainApi());
                assertThat(Prometheus.value(scrape, "relay_apply_lag_commands", "origin_site=\"" + blocked + "\""))
                        .isGreaterThanOrEqualTo(queued.size());
            } finally {
                lock.rollback();
            }
        }

        for (String other : others) {
            List<Long> before = baseline.get(other);
            List<Long> meanwhile = during.get(other);
            LOG.info(
                    "{} while {} was locked: visible p50 {} ms max {} ms; before: p50 {} ms max {} ms",
                    other,
                    blocked,
                    median(meanwhile),
                    max(meanwhile),
                    median(before),
                    max(before));
            // Relative to the same sites' figures a minute earlier on the same machine: as before, within noise.
            assertThat(median(meanwhile))
                    .as("%s's median latency to VISIBLE while %s was blocked", other, blocked)
                    .isLessThanOrEqualTo(2 * median(before) + 1_000);
            assertThat(max(meanwhile))
                    .as("%s's longest latency to VISIBLE while %s was blocked", other, blocked)
                    .isLessThanOrEqualTo(2 * max(before) + 3_000);
        }

        // Released, the blocked site resumes in its order: the poison FAILED with its reason, the rest applied.
        List<String> states = new ArrayList<>();
        for (ObservatoryClient.Accepted write : queued) {
            ObservatoryClient.Status status = atBlocked
                    .whenVisible(write.transactionId(), VISIBLE_TIMEOUT)
                    .get();
            states.add(status.state());
        }
        assertThat(states).containsExactly("VISIBLE", "FAILED", "VISIBLE", "VISIBLE");
        assertThat(atBlocked.status(queued.get(1).transactionId()).error()).contains("23503");
        long lastOffset = -1;
        Timestamp lastApplied = null;
        for (ObservatoryClient.Accepted write : queued) {
            Object[] row = ledgerRow(write.transactionId());
            assertThat(row).as("ledger row of %s", write.transactionId()).isNotNull();
            assertThat(row[0]).isEqualTo(blocked + "." + RelayTopics.COMMANDS);
            assertThat((long) row[1]).as("offset after the one before").isGreaterThan(lastOffset);
            if (lastApplied != null) {
                assertThat((Timestamp) row[2]).isAfterOrEqualTo(lastApplied);
            }
            lastOffset = (long) row[1];
            lastApplied = (Timestamp) row[2];
        }
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement notes =
                        primary.prepareStatement("SELECT notes FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            notes.setString(1, unit.recordId());
            try (ResultSet row = notes.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).as("the later note won").isEqualTo("held-2");
            }
        }
        Conditions.waitFor(
                () -> waitingCommands(stack, blocked) == 0
                        && "APPLYING"
                                .equals(buffer(stack)
                                        .get("origin_sites")
                                        .get(blocked)
                                        .get("state")
                                        .asText()),
                SETTLE,
                blocked + " did not drain in /api/buffer");
    }

    @Test
    @Order(2)
    void commandsFromASiteNamedAsTheMainSiteAreRefusedCountedAndNeverApplied() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        String topic = "cologne." + RelayTopics.COMMANDS;
        String transactionId = UUID.randomUUID().toString();
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId(transactionId)
                .setSite("cologne")
                .setAcceptedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setAttempt(1)
                .setOperations(List.of())
                .build();
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.mainBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        RawRecords.produce(
                stack.mainBootstrapServers(),
                topic,
                transactionId,
                RelayCodecs.writeCommands().encode(command),
                Map.of(RelayTopics.HEADER_TRANSACTION_ID, transactionId, RelayTopics.HEADER_SITE, "cologne"));

        Conditions.waitFor(
                () -> {
                    JsonNode origin = buffer(stack).get("origin_sites").get("cologne");
                    return origin != null && origin.get("waiting_commands").asLong() == 1;
                },
                SETTLE,
                "cologne.ops.commands never showed as refused in /api/buffer");
        JsonNode refused = buffer(stack).get("origin_sites").get("cologne");
        assertThat(refused.get("state").asText()).isEqualTo("REFUSED");
        assertThat(refused.get("refusal").asText()).isEqualTo("'cologne' is the main site's own name");
        assertThat(Prometheus.value(
                        Prometheus.scrape(stack.mainApi()), "relay_commands_refused", "origin_site=\"cologne\""))
                .isEqualTo(1.0);
        String log = Files.readString(stack.logDir().resolve(SecondarySite.MAIN_APP + ".log"));
        assertThat(log.lines().filter(line -> line.contains("Refusing the commands of " + topic)))
                .as("one line for the topic")
                .hasSize(1);
        assertThat(ledgerRow(transactionId)).as("never applied").isNull();
    }

    /**
     * Each site writes {@link #WRITES} units at the same time as the others, one behind the other; the time from each
     * acknowledgement to VISIBLE at that site, in milliseconds, by site.
     */
    private static Map<String, List<Long>> visibleLatencies(LocalStack stack, List<String> sites, String label)
            throws Exception {
        Map<String, CompletableFuture<List<Long>>> measuring = new LinkedHashMap<>();
        for (String site : sites) {
            measuring.put(site, CompletableFuture.supplyAsync(() -> {
                ObservatoryClient client = client(stack, site);
                List<Long> latencies = new ArrayList<>();
                try {
                    for (int i = 0; i < WRITES; i++) {
                        ObservatoryClient.Accepted write =
                                accepted(client.startObsUnit(label + "-" + site + "-" + i, site + "-camera"));
                        long acknowledged = System.nanoTime();
                        ObservatoryClient.Status status = client.whenVisible(write.transactionId(), VISIBLE_TIMEOUT)
                                .get();
                        assertThat(status.state()).as("%s at %s", label, site).isEqualTo("VISIBLE");
                        latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - acknowledged));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(label + " at " + site + ": " + e.getMessage(), e);
                }
                return latencies;
            }));
        }
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        for (Map.Entry<String, CompletableFuture<List<Long>>> entry : measuring.entrySet()) {
            latencies.put(entry.getKey(), entry.getValue().get(5, TimeUnit.MINUTES));
        }
        return latencies;
    }

    private static ObservatoryClient.Accepted accepted(ObservatoryClient.Accepted write) {
        assertThat(write.status()).as(write.body()).isEqualTo(201);
        return write;
    }

    private static ObservatoryClient.Accepted startUnitWithProgram(
            LocalStack stack, String site, String obsUnitId, String program) throws Exception {
        SiteHttp.Answer answer = new SiteHttp(stack.api(site), TwoSiteStack.token())
                .post(
                        "/executed_obs_units/start",
                        SiteHttp.map(
                                "obs_unit_id",
                                "uid://" + obsUnitId,
                                "instrument",
                                site + "-camera",
                                "observing_program_id",
                                program));
        return new ObservatoryClient.Accepted(
                answer.status(), answer.text("transaction_id"), answer.text("id"), answer.body());
    }

    /** Backends of the primary waiting for a lock: the blocked site's applier, while the row is held. */
    private static long lockWaiters() throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement count = primary.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
                ResultSet row = count.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** The ledger row of a transaction: its source topic, offset and applied_at; null when there is none. */
    private static Object[] ledgerRow(String transactionId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select = primary.prepareStatement(
                        "SELECT source_topic, source_offset, applied_at FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)")) {
            select.setString(1, transactionId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? new Object[] {row.getString(1), row.getLong(2), row.getTimestamp(3)} : null;
            }
        }
    }

    private static JsonNode buffer(LocalStack stack) throws Exception {
        return JSON.readTree(new SiteHttp(stack.mainApi(), TwoSiteStack.token())
                .get("/api/buffer")
                .body());
    }

    private static long waitingCommands(LocalStack stack, String site) throws Exception {
        JsonNode origin = buffer(stack).get("origin_sites").get(site);
        return origin == null || origin.get("waiting_commands").isNull()
                ? -1
                : origin.get("waiting_commands").asLong();
    }

    private static boolean programOnReplica(LocalStack stack, String site, String program) throws Exception {
        try (Connection replica =
                        DriverManager.getConnection(stack.replicaJdbcUrl(site), stack.dbUser(), stack.dbPassword());
                PreparedStatement select =
                        replica.prepareStatement("SELECT count(*) FROM observing_program WHERE id = CAST(? AS uuid)")) {
            select.setString(1, program);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getLong(1) == 1;
            }
        }
    }

    private static ObservatoryClient client(LocalStack stack, String site) {
        return new ObservatoryClient(stack.api(site), stack.serviceToken(), HTTP);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElseThrow();
    }
}
