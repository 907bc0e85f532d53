package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.SecondarySite;
import io.opsdb.relay.infra.SiteList;
import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackManifest;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.RawRecords;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several secondary sites into one main site, each with its own Kafka cluster, replica, application and MirrorMaker 2
 * flows: a site added to the running stack joins without a restart of the others, and then every site's writes are
 * applied at the primary in that site's order (I3 per site, the sites writing at the same time) and become VISIBLE at
 * that site, and only there; each secondary receives the outcomes of its own writes and no other site's.
 *
 * <p>It needs a stack of at least two secondaries, so it runs only where {@value TwoSiteStack#SITES_PROPERTY} names
 * them: system-tests' pom gives it a stack of its own ({@code observatory,summit}), to which it adds a third. By hand:
 * <pre>
 * ./mvnw -pl system-tests -am verify -Dit.test=MultiSiteIT -Drelay.it.sites=observatory,summit
 * </pre>
 */
@ExtendWith(TwoSiteStack.class)
@EnabledIfSystemProperty(named = TwoSiteStack.SITES_PROPERTY, matches = ".+,.+")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiSiteIT {

    /** The site the first test adds: a name the stack does not have yet. */
    private static final String ADDED = TwoSiteStack.SITES.find("lab").isEmpty() ? "lab" : "outpost";
    /** Each site writes this many obs units, each a start, some notes and a finish, one right behind the other. */
    private static final int UNITS_PER_SITE = 3;

    private static final int NOTES_PER_UNIT = 4;
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(120);
    private static final MessageCodec<TransactionOutcome> OUTCOMES = RelayCodecs.transactionOutcomes();

    private static final ExecutorService HTTP = Executors.newFixedThreadPool(8);
    private static final Duration MIRROR_TIMEOUT = Duration.ofSeconds(60);

    /** What each site wrote in {@link #eachSitesWritesAreAppliedInThatSitesOrderAndVisibleAtThatSiteOnly}. */
    private static final Map<String, List<Write>> WRITTEN = new LinkedHashMap<>();

    /** One acknowledged write: its transaction and what it did to which unit. */
    record Write(String site, String transactionId, String unitId, String what) {}

    @AfterAll
    static void stopClients() {
        HTTP.shutdownNow();
    }

    @Test
    @Order(1)
    void aSiteAddedToTheRunningStackJoinsWithoutARestartOfTheOthers() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        SiteList before = stack.sites();
        Map<String, String> pidsBefore = pids(stack);

        List<SecondarySite> added = stack.addSites(SiteList.of(append(before.names(), ADDED)));

        assertThat(added).extracting(SecondarySite::name).containsExactly(ADDED);
        assertThat(stack.sites().names()).containsExactlyElementsOf(append(before.names(), ADDED));
        assertThat(pids(stack))
                .as("every component of the stack before runs on, in the same process")
                .containsAllEntriesOf(pidsBefore);
        assertThat(stack.components()).allMatch(StackComponent::isRunning);
        assertThat(StackManifest.read(stack.workDir()).orElseThrow().sites()).isEqualTo(stack.sites());
        try (Admin cologne = admin(stack.mainBootstrapServers())) {
            assertThat(cologne.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(ADDED + "." + RelayTopics.COMMANDS);
        }
        // Its replica streams from the primary through a slot of its own.
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement slot = primary.prepareStatement(
                        "SELECT active FROM pg_replication_slots WHERE slot_name = ? AND slot_type = 'physical'")) {
            slot.setString(1, "replica_" + ADDED + "_slot");
            try (ResultSet row = slot.executeQuery()) {
                assertThat(row.next()).as("replica_%s_slot exists", ADDED).isTrue();
                assertThat(row.getBoolean(1)).as("in use").isTrue();
            }
        }
    }

    @Test
    @Order(2)
    void eachSitesWritesAreAppliedInThatSitesOrderAndVisibleAtThatSiteOnly() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        List<String> sites = stack.sites().names();
        assertThat(sites).as("three secondaries at least").hasSizeGreaterThanOrEqualTo(3);

        // Every site writes at the same time; within a site each write is acknowledged before the next is sent.
        Map<String, CompletableFuture<List<Write>>> writing = new LinkedHashMap<>();
        for (String site : sites) {
            writing.put(site, CompletableFuture.supplyAsync(() -> writeSequence(stack, site)));
        }
        Map<String, List<Write>> written = WRITTEN;
        for (Map.Entry<String, CompletableFuture<List<Write>>> entry : writing.entrySet()) {
            written.put(entry.getKey(), entry.getValue().get(5, TimeUnit.MINUTES));
        }

        for (String site : sites) {
            ObservatoryClient client = client(stack, site);
            for (Write write : written.get(site)) {
                ObservatoryClient.Status status = client.whenVisible(write.transactionId(), VISIBLE_TIMEOUT)
                        .get();
                assertThat(status.state())
                        .as("%s at %s: %s", write.what(), site, status.body())
                        .isEqualTo("VISIBLE");
            }
            // Another site never heard of them: each secondary follows only its own transactions.
            String other = sites.get((sites.indexOf(site) + 1) % sites.size());
            assertThat(client(stack, other)
                            .status(written.get(site).get(0).transactionId())
                            .httpStatus())
                    .as("%s's transaction asked at %s", site, other)
                    .isEqualTo(404);
        }

        try (Connection primary = TwoSiteStack.primary()) {
            for (String site : sites) {
                assertAppliedInOrder(primary, site, written.get(site));
            }
        }
        for (String site : sites) {
            assertFinalStateOnItsReplica(stack, site, written.get(site));
        }
    }

    /**
     * Outcomes only where they belong: cologne publishes each site's outcomes to {@code ops.outcomes.<site>}, and each
     * secondary's cluster holds only its own, mirrored as {@code cologne.ops.outcomes.<site>}: the outcome of every
     * write the site made, none of another site's. Counted in records and bytes (key and value as stored) per site.
     */
    @Test
    @Order(3)
    void eachSecondaryReceivesOnlyItsOwnOutcomes() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        List<String> sites = stack.sites().names();
        assertThat(WRITTEN.keySet()).as("the writes of the test before").containsExactlyElementsOf(sites);

        Map<String, List<ConsumerRecord<String, byte[]>>> published = new LinkedHashMap<>();
        for (String site : sites) {
            published.put(
                    site, RawRecords.all(stack.mainBootstrapServers(), RelayTopics.outcomes(site), MIRROR_TIMEOUT));
        }
        long totalBytes =
                published.values().stream().mapToLong(MultiSiteIT::bytes).sum();
        int totalRecords = published.values().stream().mapToInt(List::size).sum();
        StringBuilder figures = new StringBuilder("outcomes per site (records, key+value bytes):");
        for (String site : sites) {
            String mirroredTopic = "cologne." + RelayTopics.outcomes(site);
            try (Admin admin = admin(stack.bootstrapServers(site))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                                .filter(topic -> topic.contains(RelayTopics.OUTCOMES)))
                        .as("the outcome topics on %s's cluster", site)
                        .containsExactly(mirroredTopic);
            }
            int atCologne = published.get(site).size();
            List<List<ConsumerRecord<String, byte[]>>> mirrored = new ArrayList<>();
            Conditions.waitFor(
                    () -> {
                        mirrored.clear();
                        mirrored.add(RawRecords.all(stack.bootstrapServers(site), mirroredTopic, MIRROR_TIMEOUT));
                        return mirrored.get(0).size() >= atCologne;
                    },
                    MIRROR_TIMEOUT,
                    mirroredTopic + " did not get the " + atCologne + " outcomes of ops.outcomes." + site);
            List<ConsumerRecord<String, byte[]>> received = mirrored.get(0);

            List<TransactionOutcome> outcomes = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> record : received) {
                outcomes.add(OUTCOMES.decode(record.value()));
            }
            assertThat(outcomes)
                    .as("outcomes received at %s", site)
                    .extracting(TransactionOutcome::getSite)
                    .containsOnly(site);
            assertThat(outcomes)
                    .extracting(TransactionOutcome::getTransactionId)
                    .as("the outcome of every write %s made", site)
                    .containsAll(
                            WRITTEN.get(site).stream().map(Write::transactionId).toList());
            assertThat(received)
                    .as("%s's outcomes, as cologne published them", site)
                    .hasSize(atCologne);
            assertThat(bytes(received)).isEqualTo(bytes(published.get(site)));
            assertThat(bytes(received))
                    .as("what %s receives, against every site's outcomes", site)
                    .isLessThan(totalBytes);
            figures.append(' ')
                    .append(site)
                    .append(' ')
                    .append(received.size())
                    .append(" records, ")
                    .append(bytes(received))
                    .append(" bytes;");
        }
        figures.append(" every site's together ")
                .append(totalRecords)
                .append(" records, ")
                .append(totalBytes)
                .append(" bytes (what each secondary received when all outcomes were in one topic)");
        System.out.println("MultiSiteIT " + figures);
    }

    /** The bytes of {@code records}' keys and values as stored. */
    private static long bytes(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream()
                .mapToLong(
                        record -> Math.max(0, record.serializedKeySize()) + Math.max(0, record.serializedValueSize()))
                .sum();
    }

    /** A site's units, each started, noted and finished, one write right behind the other. */
    private static List<Write> writeSequence(LocalStack stack, String site) {
        ObservatoryClient client = client(stack, site);
        List<Write> writes = new ArrayList<>();
        String run = site + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            for (int u = 0; u < UNITS_PER_SITE; u++) {
                ObservatoryClient.Accepted start = client.startObsUnit(run + "-" + u, site + "-camera");
                assertThat(start.status()).as(start.body()).isEqualTo(201);
                writes.add(new Write(site, start.transactionId(), start.recordId(), "start"));
                for (int n = 1; n <= NOTES_PER_UNIT; n++) {
                    ObservatoryClient.Accepted note = client.noteObsUnit(start.recordId(), "step-" + n);
                    assertThat(note.status()).as(note.body()).isEqualTo(201);
                    writes.add(new Write(site, note.transactionId(), start.recordId(), "step-" + n));
                }
                ObservatoryClient.Accepted finish =
                        client.finishObsUnit(start.recordId(), "completed", "finished-" + site);
                assertThat(finish.status()).as(finish.body()).isEqualTo(201);
                writes.add(new Write(site, finish.transactionId(), start.recordId(), "finish"));
            }
        } catch (Exception e) {
            throw new IllegalStateException("writing at " + site + ": " + e.getMessage(), e);
        }
        return writes;
    }

    /**
     * I3 per site: the primary's ledger has every write of the site, from the site's own mirrored topic, at offsets and
     * commit times in the order the site acknowledged them.
     */
    private static void assertAppliedInOrder(Connection primary, String site, List<Write> writes) throws Exception {
        Map<String, Object[]> rows = new HashMap<>();
        try (PreparedStatement select = primary.prepareStatement("""
                SELECT transaction_id::text, site, status, source_topic, source_offset, applied_at
                FROM relay_ledger WHERE transaction_id = ANY (?)""")) {
            Array ids = primary.createArrayOf(
                    "uuid",
                    writes.stream().map(w -> UUID.fromString(w.transactionId())).toArray());
            select.setArray(1, ids);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.put(row.getString(1), new Object[] {
                        row.getString(2), row.getString(3), row.getString(4), row.getLong(5), row.getTimestamp(6)
                    });
                }
            }
        }
        assertThat(rows).as("ledger rows of %s's writes", site).hasSize(writes.size());
        long lastOffset = -1;
        Timestamp lastApplied = null;
        for (Write write : writes) {
            Object[] row = rows.get(write.transactionId());
            assertThat(row[0]).as("site of %s", write).isEqualTo(site);
            assertThat(row[1]).as("status of %s", write).isEqualTo("APPLIED");
            assertThat(row[2]).as("topic of %s", write).isEqualTo(site + "." + RelayTopics.COMMANDS);
            assertThat((long) row[3])
                    .as("offset of %s after the write before it", write)
                    .isGreaterThan(lastOffset);
            Timestamp applied = (Timestamp) row[4];
            if (lastApplied != null) {
                assertThat(applied)
                        .as("%s applied no earlier than the write before it", write)
                        .isAfterOrEqualTo(lastApplied);
            }
            lastOffset = (long) row[3];
            lastApplied = applied;
        }
    }

    /** The last write of each unit is what the site's own replica shows: later writes were not overtaken. */
    private static void assertFinalStateOnItsReplica(LocalStack stack, String site, List<Write> writes)
            throws Exception {
        try (Connection replica =
                        DriverManager.getConnection(stack.replicaJdbcUrl(site), stack.dbUser(), stack.dbPassword());
                PreparedStatement select = replica.prepareStatement(
                        "SELECT status, notes, instrument, site FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            for (String unit : writes.stream().map(Write::unitId).distinct().toList()) {
                select.setString(1, unit);
                try (ResultSet row = select.executeQuery()) {
                    assertThat(row.next())
                            .as("unit %s of %s on its replica", unit, site)
                            .isTrue();
                    assertThat(row.getString(1)).isEqualTo("completed");
                    assertThat(row.getString(2)).isEqualTo("finished-" + site);
                    assertThat(row.getString(3)).isEqualTo(site + "-camera");
                    assertThat(row.getString(4))
                            .as("the site that accepted it (its SITE_NAME)")
                            .isEqualTo(site);
                }
            }
        }
    }

    private static ObservatoryClient client(LocalStack stack, String site) {
        return new ObservatoryClient(stack.api(site), stack.serviceToken(), HTTP);
    }

    /** Each component's pid, from the pid files the stack keeps. */
    private static Map<String, String> pids(LocalStack stack) throws Exception {
        Map<String, String> pids = new HashMap<>();
        for (StackComponent component : stack.components()) {
            Path file = stack.workDir().resolve("pids").resolve(component.name() + ".pid");
            pids.put(component.name(), Files.readString(file).strip());
        }
        return pids;
    }

    private static List<String> append(List<String> names, String name) {
        List<String> all = new ArrayList<>(names);
        all.add(name);
        return all;
    }

    private static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }
}
