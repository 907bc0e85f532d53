package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransactionStateTopologyTest {

    private static final String SITE = "cologne";
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(7);
    /** Small: the driver commits, and so flushes every store, after each record. */
    private static final int EXPIRY_CHUNK = 5;

    private final List<TrackedTransaction> entered = new ArrayList<>();
    private final TopologyTestDriver driver = new TopologyTestDriver(
            TransactionStateTopology.build(SITE, RETENTION, EXPIRY_CHUNK, entered::add), properties(), NOW);
    private final TestInputTopic<String, byte[]> commands =
            driver.createInputTopic(RelayTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> outcomes = driver.createInputTopic(
            "main." + RelayTopics.outcomes(SITE), new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, Long> replayed = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new LongSerializer());
    private final TestInputTopic<String, byte[]> operatorActions = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new ByteArraySerializer());
    private final TransactionStateView view = new TransactionStateView(driver::getKeyValueStore);

    static Properties properties() {
        Properties properties = new Properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, TransactionStateTopology.applicationId(SITE));
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        properties.put(StreamsConfig.STATE_DIR_CONFIG, "target/streams-state");
        properties.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        properties.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // The stores as production opens them (the driver's are RocksDB's too): its options must be ones RocksDB takes.
        properties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDBMemory.class);
        return properties;
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private static Operation op(OperationType type, String recordId, String status) {
        return Operation.newBuilder()
                .setType(type)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(recordId)
                .setValues(Map.of("status", status))
                .build();
    }

    private void command(String tx, int attempt, Operation... operations) {
        command(tx, attempt, SITE, new RecordHeaders(), operations);
    }

    private void command(String tx, int attempt, String site, RecordHeaders headers, Operation... operations) {
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId(tx)
                .setSite(site)
                .setAcceptedAt(NOW)
                .setAttempt(attempt)
                .setOperations(List.of(operations))
                .build();
        commands.pipeInput(new TestRecord<>(tx, RelayCodecs.writeCommands().encode(command), headers, NOW));
    }

    private void outcome(String tx, int attempt, OutcomeStatus status, String lsn, String site) {
        TransactionOutcome.Builder outcome = TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite(site)
                .setStatus(status)
                .setAttempt(attempt)
                .setCommittedAt(NOW);
        if (status == OutcomeStatus.APPLIED) {
            outcome.setCommitLsn(Lsn.valueOf(lsn).asLong());
        } else {
            outcome.setCommitLsn(0L).setError("check constraint violated");
        }
        outcomes.pipeInput(tx, RelayCodecs.transactionOutcomes().encode(outcome.build()), NOW);
    }

    private void applied(String tx, String lsn) {
        outcome(tx, 1, OutcomeStatus.APPLIED, lsn, SITE);
    }

    private void replayedUpTo(String lsn) {
        replayed.pipeInput(SITE, Lsn.valueOf(lsn).asLong(), NOW);
    }

    private TransactionState state(String tx) {
        return view.find(tx).orElseThrow().state();
    }

    @Test
    void aCommandIsBufferedAtItsOffsetWithItsOperationsInTheOverlay() {
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        command("t2", 1, op(OperationType.UPDATE, "r1", "completed"), op(OperationType.CREATE, "r2", "running"));

        assertThat(view.find("t1")).get().satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.BUFFERED);
            assertThat(tx.latest().sequence()).isZero();
            assertThat(tx.acknowledgedAt()).isEqualTo(NOW);
        });
        assertThat(view.find("t2").orElseThrow().latest().sequence()).isEqualTo(1);
        assertThat(view.inFlightOperations("r1"))
                .extracting(o -> o.getValues().get("status"))
                .containsExactly("running", "completed");
        assertThat(view.inFlightOperations("r2")).hasSize(1);
        assertThat(view.inFlightOperations("r")).isEmpty();
        assertThat(view.inFlightRecordIds(EntityType.EXECUTED_OBS_UNIT)).containsExactlyInAnyOrder("r1", "r2");
        assertThat(view.count(TransactionState.BUFFERED)).isEqualTo(2);
        assertThat(view.inFlightCount()).isEqualTo(2);
    }

    @Test
    void appliedBecomesVisibleOnlyWhenTheReplicaReplaysItsCommitInLsnOrder() {
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        command("t2", 1, op(OperationType.UPDATE, "r1", "completed"));
        replayedUpTo("0/FFFFFFF0");
        applied("t1", "1/10");
        applied("t2", "1/20");

        assertThat(state("t1")).isEqualTo(TransactionState.APPLIED);
        assertThat(view.find("t1").orElseThrow().progress().commitLsn()).isEqualTo(Lsn.valueOf("1/10"));
        assertThat(view.inFlightOperations("r1")).hasSize(2);

        replayedUpTo("1/F");
        assertThat(state("t1")).isEqualTo(TransactionState.APPLIED);
        replayedUpTo("1/10");
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(state("t2")).isEqualTo(TransactionState.APPLIED);
        assertThat(view.inFlightOperations("r1"))
                .extracting(o -> o.getValues().get("status"))
                .containsExactly("completed");

        replayedUpTo("1/18");
        replayedUpTo("1/8");
        assertThat(view.replayedPosition()).isEqualTo(Lsn.valueOf("1/18"));
        replayedUpTo("2/0");
        assertThat(state("t2")).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightOperations("r1")).isEmpty();
        assertThat(view.inFlightCount()).isZero();
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(2);
        assertThat(view.newestCommit()).isEqualTo(Lsn.valueOf("1/20"));
        assertThat(entered)
                .extracting(TrackedTransaction::transactionId, TrackedTransaction::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("t1", TransactionState.BUFFERED),
                        org.assertj.core.groups.Tuple.tuple("t2", TransactionState.BUFFERED),
                        org.assertj.core.groups.Tuple.tuple("t1", TransactionState.APPLIED),
                        org.assertj.core.groups.Tuple.tuple("t2", TransactionState.APPLIED),
                        org.assertj.core.groups.Tuple.tuple("t1", TransactionState.VISIBLE),
                        org.assertj.core.groups.Tuple.tuple("t2", TransactionState.VISIBLE));
    }

    @Test
    void anOutcomeForACommitTheReplicaAlreadyReplayedIsVisibleAtOnce() {
        replayedUpTo("5/0");
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        applied("t1", "4/0");

        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightOperations("r1")).isEmpty();
    }

    @Test
    void commandsAndOutcomesDeliveredAgainChangeNothing() {
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        applied("t1", "1/10");
        replayedUpTo("1/10");
        int changes = entered.size();

        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        applied("t1", "1/10");
        replayedUpTo("1/10");

        assertThat(entered).hasSize(changes);
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.find("t1").orElseThrow().latest().sequence()).isZero();
        assertThat(view.inFlightOperations("r1")).isEmpty();
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(1);
        assertThat(view.count(TransactionState.BUFFERED)).isZero();
    }

    @Test
    void anOutcomeThatOutranItsCommandIsAppliedWhenTheCommandArrives() {
        applied("t1", "1/10");
        assertThat(view.find("t1")).isEmpty();

        command("t1", 1, op(OperationType.CREATE, "r1", "running"));

        assertThat(state("t1")).isEqualTo(TransactionState.APPLIED);
    }

    @Test
    void otherSitesCommandsAndOutcomesAreIgnored() {
        command("t9", 1, "paranal", new RecordHeaders(), op(OperationType.CREATE, "r9", "running"));
        outcome("t8", 1, OutcomeStatus.APPLIED, "1/0", "paranal");

        assertThat(view.find("t9")).isEmpty();
        assertThat(view.inFlightOperations("r9")).isEmpty();
        assertThat(driver.<String, byte[]>getKeyValueStore(TransactionStateTopology.EARLY_OUTCOMES)
                        .approximateNumEntries())
                .isZero();
    }

    @Test
    void aFailedTransactionLeavesTheOverlayAndARetryBuffersItAgainAtItsNewOffset() {
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        command("t2", 1, op(OperationType.CREATE, "r2", "running"));
        outcome("t1", 1, OutcomeStatus.FAILED, null, SITE);

        assertThat(view.find("t1").orElseThrow()).satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.FAILED);
            assertThat(tx.progress().error()).isEqualTo("check constraint violated");
        });
        assertThat(view.inFlightOperations("r1")).isEmpty();
        assertThat(view.list(TransactionState.FAILED, null, 10))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t1");

        RecordHeaders retry = new RecordHeaders();
        retry.add(TransactionStateProcessor.HEADER_RETRIED_BY, "ops".getBytes());
        command("t1", 2, SITE, retry, op(OperationType.CREATE, "r1", "running"));

        assertThat(view.find("t1").orElseThrow()).satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.BUFFERED);
            assertThat(tx.attempt()).isEqualTo(2);
            assertThat(tx.latest().sequence()).isEqualTo(2);
            assertThat(tx.retried().by()).isEqualTo("ops");
        });
        assertThat(view.inFlightOperations("r1")).hasSize(1);
        assertThat(view.count(TransactionState.FAILED)).isZero();

        outcome("t1", 1, OutcomeStatus.FAILED, null, SITE);
        assertThat(state("t1")).isEqualTo(TransactionState.BUFFERED);
        outcome("t1", 2, OutcomeStatus.APPLIED, "2/0", SITE);
        assertThat(state("t1")).isEqualTo(TransactionState.APPLIED);
    }

    @Test
    void listsPageThroughOneStateInIdOrder() {
        for (String tx : List.of("c", "a", "e", "b", "d")) {
            command(tx, 1, op(OperationType.CREATE, "r-" + tx, "running"));
        }
        applied("b", "1/0");

        assertThat(view.list(TransactionState.BUFFERED, null, 2))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("a", "c");
        assertThat(view.list(TransactionState.BUFFERED, "c", 2))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("d", "e");
        assertThat(view.list(TransactionState.BUFFERED, "e", 2)).isEmpty();
        assertThat(view.list(TransactionState.APPLIED, null, 10))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("b");
    }

    private void discard(String tx, String by) {
        operatorActions.pipeInput(TransactionStateProcessor.DISCARD_PREFIX + tx, by.getBytes(), NOW);
    }

    /** A transaction buffered, applied at {@code lsn} and replayed there: VISIBLE now (the driver's wall clock). */
    private void visible(String tx, String lsn) {
        command(tx, 1, op(OperationType.CREATE, "r-" + tx, "running"));
        applied(tx, lsn);
        replayedUpTo(lsn);
    }

    /** The transaction ids whose latest record in the transactions store's changelog is a tombstone. */
    private java.util.Set<String> tombstonedTransactions() {
        return tombstones(TransactionStateTopology.TRANSACTIONS);
    }

    private long settledIndexSize() {
        try (var all = driver.<Bytes, byte[]>getKeyValueStore(TransactionStateTopology.SETTLED_BY_TIME)
                .all()) {
            long n = 0;
            while (all.hasNext()) {
                all.next();
                n++;
            }
            return n;
        }
    }

    @Test
    void settledTransactionsLeaveTheStoresAfterTheRetentionWhileInFlightAndFailedOnesStay() {
        visible("visible", "1/10");
        command("applied", 1, op(OperationType.CREATE, "r-applied", "running"));
        applied("applied", "9/0");
        command("buffered", 1, op(OperationType.CREATE, "r-buffered", "running"));
        command("failed", 1, op(OperationType.CREATE, "r-failed", "running"));
        outcome("failed", 1, OutcomeStatus.FAILED, null, SITE);
        command("discarded", 1, op(OperationType.CREATE, "r-discarded", "running"));
        outcome("discarded", 1, OutcomeStatus.FAILED, null, SITE);
        discard("discarded", "ops");
        assertThat(state("discarded")).isEqualTo(TransactionState.DISCARDED);

        driver.advanceWallClockTime(RETENTION.minusSeconds(1));
        assertThat(List.of("visible", "applied", "buffered", "failed", "discarded"))
                .allSatisfy(tx -> assertThat(view.find(tx)).as(tx).isPresent());

        driver.advanceWallClockTime(Duration.ofSeconds(2));

        assertThat(view.find("visible")).isEmpty();
        assertThat(view.find("discarded")).isEmpty();
        assertThat(state("applied")).isEqualTo(TransactionState.APPLIED);
        assertThat(state("buffered")).isEqualTo(TransactionState.BUFFERED);
        assertThat(state("failed")).isEqualTo(TransactionState.FAILED);
        assertThat(view.count(TransactionState.VISIBLE)).isZero();
        assertThat(view.count(TransactionState.DISCARDED)).isZero();
        assertThat(view.count(TransactionState.FAILED)).isEqualTo(1);
        assertThat(view.inFlightCount()).isEqualTo(2);
        assertThat(view.list(TransactionState.VISIBLE, null, 10)).isEmpty();
        assertThat(view.inFlightOperations("r-applied")).hasSize(1);
        assertThat(settledIndexSize()).isZero();
        assertThat(tombstonedTransactions()).containsExactly("discarded", "visible");

        // What is left keeps going: the in-flight one still becomes VISIBLE, and leaves one retention later.
        replayedUpTo("9/0");
        assertThat(state("applied")).isEqualTo(TransactionState.VISIBLE);
        driver.advanceWallClockTime(RETENTION.plusSeconds(1));
        assertThat(view.find("applied")).isEmpty();
        assertThat(state("failed")).isEqualTo(TransactionState.FAILED);
    }

    @Test
    void eachTransactionIsKeptForTheRetentionFromWhenItSettled() {
        visible("early", "1/10");
        driver.advanceWallClockTime(Duration.ofHours(1));
        visible("late", "1/20");

        driver.advanceWallClockTime(RETENTION.minusMinutes(30));
        assertThat(view.find("early")).isEmpty();
        assertThat(state("late")).isEqualTo(TransactionState.VISIBLE);

        driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertThat(view.find("late")).isEmpty();
        assertThat(tombstonedTransactions()).containsExactly("early", "late");
    }

    @Test
    void theExpiryForgetsABoundedChunkPerSweep() {
        int settled = EXPIRY_CHUNK + 2;
        for (int i = 0; i < settled; i++) {
            command(String.format("t%05d", i), 1, op(OperationType.CREATE, "r" + i, "running"));
            applied(String.format("t%05d", i), "1/" + Integer.toHexString(16 + i));
        }
        replayedUpTo("2/0");
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(settled);

        driver.advanceWallClockTime(RETENTION.plusSeconds(1));
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(2);
        assertThat(view.find("t00000")).isEmpty();

        driver.advanceWallClockTime(TransactionStateProcessor.EXPIRY_INTERVAL);
        assertThat(view.count(TransactionState.VISIBLE)).isZero();
        assertThat(tombstonedTransactions()).hasSize(settled);
    }

    @Test
    void anExpiredTransactionsOutcomeDeliveredAgainDoesNotBringItBack() {
        visible("t1", "1/10");
        driver.advanceWallClockTime(RETENTION.plusSeconds(1));
        assertThat(view.find("t1")).isEmpty();

        applied("t1", "1/10");
        replayedUpTo("1/20");

        assertThat(view.find("t1")).isEmpty();
        assertThat(view.count(TransactionState.APPLIED)).isZero();
    }

    @Test
    void anEarlyOutcomeWhoseCommandNeverComesLeavesAfterTheRetentionWithATombstone() {
        // This site's direct write (tracked on the heap, never in ops.commands), and an outcome delivered again after
        // its transaction was forgotten: neither ever meets a command here.
        visible("forgotten", "1/10");
        driver.advanceWallClockTime(RETENTION.plusSeconds(1));
        assertThat(view.find("forgotten")).isEmpty();
        applied("forgotten", "1/10");
        driver.advanceWallClockTime(Duration.ofHours(1));
        applied("direct", "1/20");
        assertThat(earlyOutcomes()).containsExactlyInAnyOrder("direct", "forgotten");

        driver.advanceWallClockTime(RETENTION.minusMinutes(30));
        assertThat(earlyOutcomes()).containsExactly("direct");

        driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertThat(earlyOutcomes()).isEmpty();
        assertThat(settledIndexSize()).isZero();
        assertThat(tombstones(TransactionStateTopology.EARLY_OUTCOMES))
                .containsExactlyInAnyOrder("direct", "forgotten");
    }

    @Test
    void anEarlyOutcomeWhoseCommandCameIsKeptWithItsTransactionNotByWhenItCame() {
        applied("t1", "1/10");
        driver.advanceWallClockTime(Duration.ofHours(1));
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        replayedUpTo("1/10");
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(earlyOutcomes()).isEmpty();

        // The outcome's own entry in the index comes due first, and leaves the transaction alone.
        driver.advanceWallClockTime(RETENTION.minusMinutes(30));
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);

        driver.advanceWallClockTime(Duration.ofMinutes(31));
        assertThat(view.find("t1")).isEmpty();
        assertThat(settledIndexSize()).isZero();
    }

    private List<String> earlyOutcomes() {
        List<String> ids = new ArrayList<>();
        try (var all = driver.<String, byte[]>getKeyValueStore(TransactionStateTopology.EARLY_OUTCOMES)
                .all()) {
            all.forEachRemaining(entry -> ids.add(entry.key));
        }
        return ids;
    }

    /** The keys whose latest record in {@code store}'s changelog is a tombstone. */
    private java.util.Set<String> tombstones(String store) {
        var changelog = driver.createOutputTopic(
                TransactionStateTopology.applicationId(SITE) + "-" + store + "-changelog",
                new StringDeserializer(),
                new ByteArrayDeserializer());
        java.util.Map<String, byte[]> latest = new java.util.HashMap<>();
        for (KeyValue<String, byte[]> change : changelog.readKeyValuesToList()) {
            latest.put(change.key, change.value);
        }
        java.util.Set<String> deleted = new java.util.TreeSet<>();
        latest.forEach((id, value) -> {
            if (value == null) {
                deleted.add(id);
            }
        });
        return deleted;
    }

    @Test
    void anOutcomeReadFromTheReplicasLedgerMovesABufferedTransactionOnAsTheOutcomeStreamWould() {
        command("t1", 1, op(OperationType.CREATE, "r1", "running"));
        command("t2", 1, op(OperationType.CREATE, "r2", "running"));
        replayedUpTo("1/0");

        ledgerOutcome("t1", OutcomeStatus.APPLIED, "1/40");
        ledgerOutcome("t2", OutcomeStatus.FAILED, "1/40");

        assertThat(view.find("t1").orElseThrow()).satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.APPLIED);
            assertThat(tx.progress().commitLsn()).isEqualTo(Lsn.valueOf("1/40"));
        });
        assertThat(view.find("t2").orElseThrow()).satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.FAILED);
            assertThat(tx.progress().error()).isEqualTo("check constraint violated");
        });
        replayedUpTo("1/40");
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightOperations("r1")).isEmpty();

        // The outcome stream's own copy, arriving late, changes nothing.
        int changes = entered.size();
        applied("t1", "1/30");
        assertThat(entered).hasSize(changes);
    }

    private void ledgerOutcome(String tx, OutcomeStatus status, String replayLsn) {
        TransactionOutcome outcome = TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite(SITE)
                .setStatus(status)
                .setAttempt(1)
                .setCommittedAt(NOW)
                .setCommitLsn(Lsn.valueOf(replayLsn).asLong())
                .setError(status == OutcomeStatus.FAILED ? "check constraint violated" : null)
                .build();
        operatorActions.pipeInput(
                TransactionStateProcessor.LEDGER_OUTCOME_PREFIX + tx,
                RelayCodecs.transactionOutcomes().encode(outcome),
                NOW);
    }
}
