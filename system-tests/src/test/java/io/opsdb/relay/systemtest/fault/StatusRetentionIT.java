package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Settled history leaves (I11): many transactions go through the observatory and become VISIBLE; once
 * TRANSACTION_STATUS_RETENTION has passed, none of them is left in its state stores, each has a tombstone in the
 * changelog a restore would read, their statuses answer 404, the stores' table files shrink back to their idle size,
 * and the footprint of producer-secondary (RSS, and the RocksDB stores on disk) is recorded before and after.
 *
 * <p>It needs a stack whose applications have a short retention, so it runs only where
 * {@value LocalStack#TRANSACTION_STATUS_RETENTION_PROPERTY} is set: system-tests' pom gives it a stack of its own with
 * PT30S and 20,000 transactions in every {@code ./mvnw verify}. At full size ({@code relay.faults=full}) it takes a
 * million, with a retention longer than their drain so that the first figures are those of a million settled:
 * <pre>
 * ./mvnw -pl system-tests -am verify -Dit.test=StatusRetentionIT -Drelay.faults=full -Drelay.transaction-status-retention=PT20M
 * </pre>
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 8)
@EnabledIfSystemProperty(named = LocalStack.TRANSACTION_STATUS_RETENTION_PROPERTY, matches = ".+")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class StatusRetentionIT {

    private static final boolean FULL = "full".equals(System.getProperty("relay.faults"));
    private static final int BULK = FULL ? 1_000_000 : 20_000;
    private static final Duration RETENTION =
            Duration.parse(System.getProperty(LocalStack.TRANSACTION_STATUS_RETENTION_PROPERTY, "PT30S"));
    /** The expiry forgets up to 500 every 500 ms; on a busy machine allow a fifth of that rate. */
    private static final Duration EXPIRY = RETENTION.plus(Duration.ofSeconds(BULK / 200 + 60));

    private static final Duration DRAIN = Duration.ofMinutes(FULL ? 60 : 10);
    private static final int STATUS_SAMPLE = 200;
    /** What the stores keep that is not a transaction (replay positions, the scans' marks) and a flush's rounding. */
    private static final long TABLES_SLACK = 2L * 1024 * 1024;
    /** The reclaimer's quiet time, then one compaction of every store, on a busy machine. */
    private static final Duration RECLAIM = Duration.ofMinutes(3);
    /** TransactionStateTopology's changelogs: application id relay-observatory-transactions, then the store's name. */
    private static final String CHANGELOG_PREFIX = "relay-observatory-transactions-";

    private static final String TRANSACTIONS_CHANGELOG = CHANGELOG_PREFIX + "transactions-changelog";
    private static final String SETTLED_INDEX_CHANGELOG = CHANGELOG_PREFIX + "settled-by-time-changelog";

    @Test
    void settledTransactionsLeaveTheStoresAfterTheRetentionWithTombstonesAndStatuses404() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("status retention");
        SiteHttp observatory = scenario.observatory();
        List<FaultWorkload.Ack> written;
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), 1).start()) {
            // Real writes through the API: the bulk copies one of them.
            workload.awaitAcked(20, Duration.ofMinutes(3));
            workload.stop();
            written = new ArrayList<>(workload.acked());
        }
        ObservatoryFootprint idle = ObservatoryFootprint.read(stack, observatory);

        long begin = System.nanoTime();
        List<FaultWorkload.Ack> bulk = BulkCommands.produce(stack, scenario.run(), BULK);
        // The last in the site's order: once it is VISIBLE the processor has taken in, and settled, all before it.
        String last = bulk.get(BULK - 1).transactionId();
        Conditions.waitFor(
                () -> "VISIBLE"
                        .equals(observatory.get("/api/transactions/" + last).text("state")),
                DRAIN,
                FaultScenario.POLL,
                "the last of the bulk did not become VISIBLE");
        Conditions.waitFor(
                () -> observatory.get("/api/buffer").json().get("in_flight").asInt() == 0,
                DRAIN,
                FaultScenario.POLL,
                "the bulk did not all settle at the observatory");
        Duration settledIn = Duration.ofNanos(System.nanoTime() - begin);
        ObservatoryFootprint settled = ObservatoryFootprint.read(stack, observatory);
        assertThat(bulkUnitsAtTheMainSite(scenario.run()))
                .as("bulk obs units in the primary")
                .isEqualTo(BULK);
        assertThat(observatory.get("/api/buffer").json().get("failed").asInt()).isZero();

        long settledAt = System.nanoTime();
        Conditions.waitFor(
                () -> observatory
                        .get("/api/transactions?state=VISIBLE&limit=1")
                        .json()
                        .get("transactions")
                        .isEmpty(),
                EXPIRY,
                FaultScenario.POLL,
                "VISIBLE transactions were still listed " + EXPIRY + " after the last settled (retention " + RETENTION
                        + ")");
        Duration emptiedIn = Duration.ofNanos(System.nanoTime() - settledAt);
        // Their disk space back: RocksDB drops a deleted key's value and its tombstone only when a compaction runs over
        // both, which level compaction alone did not do for an hour (a million left 30 MiB, 20,000 left 23 MiB of 23
        // MiB); DeletedSpaceReclaimer compacts a store once a sweep's flushes of deletions have stopped.
        long tablesInFlight = idle.tables() + TABLES_SLACK;
        Conditions.waitFor(
                () -> ObservatoryFootprint.read(stack, observatory).tables() <= tablesInFlight,
                RECLAIM,
                FaultScenario.POLL,
                "the stores' table files did not shrink back to " + ObservatoryFootprint.mib(tablesInFlight)
                        + " (idle " + idle + ", settled " + settled + ", now "
                        + ObservatoryFootprint.read(stack, observatory) + ")");
        ObservatoryFootprint expired = ObservatoryFootprint.read(stack, observatory);

        written.addAll(bulk);
        Collections.shuffle(written, new Random(7));
        for (FaultWorkload.Ack ack : written.subList(0, STATUS_SAMPLE)) {
            assertThat(observatory
                            .get("/api/transactions/" + ack.transactionId())
                            .status())
                    .as("status of expired %s", ack.transactionId())
                    .isEqualTo(404);
        }
        Set<String> ids = new HashSet<>();
        written.forEach(ack -> ids.add(ack.transactionId()));
        Changelog transactions = Changelog.read(stack, TRANSACTIONS_CHANGELOG);
        // Set arithmetic, not AssertJ's containment checks: those compare element by element, a million by a million
        // (the full-size run sat in them for good).
        Set<String> broughtBack = new HashSet<>(transactions.live());
        broughtBack.retainAll(ids);
        assertThat(broughtBack).as("transactions a restore would bring back").isEmpty();
        Set<String> withoutTombstone = new HashSet<>(ids);
        withoutTombstone.removeAll(transactions.tombstoned());
        assertThat(withoutTombstone).as("transactions without a tombstone").isEmpty();
        assertThat(Changelog.read(stack, SETTLED_INDEX_CHANGELOG).live())
                .as("settled index")
                .isEmpty();

        System.out.printf(
                Locale.ROOT,
                "status retention: %,d bulk + %d HTTP transactions settled in %s, retention %s,"
                        + " stores emptied %s after the last settled; observatory-app idle %s; %,d settled %s; after"
                        + " the retention %s%n",
                BULK,
                written.size() - BULK,
                FaultScenario.seconds(settledIn),
                RETENTION,
                FaultScenario.seconds(emptiedIn),
                idle,
                BULK,
                settled,
                expired);
    }

    private static long bulkUnitsAtTheMainSite(String run) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement count =
                        primary.prepareStatement("SELECT count(*) FROM executed_obs_unit WHERE obs_unit_id LIKE ?")) {
            count.setString(1, run + "-bulk-%");
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** The keys of a changelog as a restore of its store would leave them: live, or deleted by a tombstone. */
    private record Changelog(Set<String> live, Set<String> tombstoned) {

        static Changelog read(LocalStack stack, String topic) {
            Map<String, Object> config = Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    stack.observatoryBootstrapServers(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false,
                    ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                    5_000,
                    // Only what the application's exactly-once transactions committed, as a restore reads it.
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed");
            Set<String> live = new HashSet<>();
            Set<String> tombstoned = new HashSet<>();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (!caughtUp(consumer, end)) {
                    assertThat(System.nanoTime())
                            .as("read %s to its end in time", topic)
                            .isLessThan(deadline);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                        // One char per byte: ids read as themselves, binary keys (the settled index's) stay distinct.
                        String key = new String(record.key(), StandardCharsets.ISO_8859_1);
                        if (record.value() == null) {
                            live.remove(key);
                            tombstoned.add(key);
                        } else {
                            live.add(key);
                            tombstoned.remove(key);
                        }
                    }
                }
            }
            return new Changelog(live, tombstoned);
        }

        private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
            return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
        }
    }
}
