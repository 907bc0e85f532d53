package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replay position the poller last saw reaches the processor before its replay record does: behind a backlog of
 * outcomes that record waits its turn, and every outcome would wait with it to become VISIBLE.
 */
class ReplayedSeenTopologyTest {

    private static final String SITE = "observatory";
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private final AtomicReference<Lsn> seen = new AtomicReference<>(Lsn.INVALID);
    private final TopologyTestDriver driver = new TopologyTestDriver(
            TransactionStateTopology.build(
                    SITE,
                    Duration.ofDays(7),
                    TransactionStateProcessor.DEFAULT_EXPIRY_CHUNK,
                    tx -> {},
                    (record, fate) -> {},
                    TaskServingListener.NONE,
                    seen::get),
            properties(),
            NOW);
    private final TestInputTopic<String, byte[]> commands =
            driver.createInputTopic(RelayTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> outcomes = driver.createInputTopic(
            "cologne." + RelayTopics.outcomes(SITE), new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, Long> replayed = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new LongSerializer());
    private final TransactionStateView view = new TransactionStateView(driver::getKeyValueStore);

    private static Properties properties() {
        Properties properties = TransactionStateTopologyTest.properties();
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, TransactionStateTopology.applicationId(SITE));
        properties.put(StreamsConfig.STATE_DIR_CONFIG, "target/streams-state-replayed-seen");
        return properties;
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void command(String tx, String recordId) {
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId(tx)
                .setSite(SITE)
                .setAcceptedAt(NOW)
                .setAttempt(1)
                .setOperations(List.of(TrackerFixtures.start(recordId)))
                .build();
        commands.pipeInput(tx, RelayCodecs.writeCommands().encode(command), NOW);
    }

    private void applied(String tx, String lsn) {
        outcomes.pipeInput(
                tx,
                RelayCodecs.transactionOutcomes()
                        .encode(TransactionOutcome.newBuilder()
                                .setTransactionId(tx)
                                .setSite(SITE)
                                .setStatus(OutcomeStatus.APPLIED)
                                .setAttempt(1)
                                .setCommittedAt(NOW)
                                .setCommitLsn(Lsn.valueOf(lsn).asLong())
                                .build()),
                NOW);
    }

    @Test
    void anOutcomeTheReplicaWasSeenPastIsVisibleWithoutWaitingForTheReplayRecord() {
        command("t1", "r1");
        command("t2", "r2");
        seen.set(Lsn.valueOf("1/20"));

        applied("t1", "1/10");
        applied("t2", "1/30");

        assertThat(view.find("t1").orElseThrow().state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightOperations("r1")).as("left the overlay").isEmpty();
        assertThat(view.find("t2").orElseThrow().state())
                .as("committed past what the replica was seen at")
                .isEqualTo(TransactionState.APPLIED);
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(1);
        assertThat(view.count(TransactionState.APPLIED)).isEqualTo(1);
        assertThat(view.count(TransactionState.BUFFERED)).isZero();
        assertThat(view.inFlightCount()).isEqualTo(1);

        replayed.pipeInput(SITE, Lsn.valueOf("1/30").asLong(), NOW);

        assertThat(view.find("t2").orElseThrow().state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightOperations("r2")).isEmpty();
        assertThat(view.count(TransactionState.VISIBLE)).isEqualTo(2);
        assertThat(view.count(TransactionState.APPLIED)).isZero();
        assertThat(view.inFlightCount()).isZero();
        assertThat(view.replayedPosition()).isEqualTo(Lsn.valueOf("1/30"));
    }

    @Test
    void withoutAPositionSeenAnAppliedOneWaitsForTheReplayRecord() {
        command("t1", "r1");
        applied("t1", "1/10");

        assertThat(view.find("t1").orElseThrow().state()).isEqualTo(TransactionState.APPLIED);
        assertThat(view.inFlightOperations("r1")).hasSize(1);

        replayed.pipeInput(SITE, Lsn.valueOf("1/10").asLong(), NOW);
        assertThat(view.find("t1").orElseThrow().state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(view.inFlightCount()).isZero();
    }
}
