package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code idempotency-keys} store: a key's request hash comes with its command, its first answer after it. */
class IdempotencyKeyStoreTest {

    private static final String SITE = "observatory";
    private static final Instant NOW = Instant.parse("2026-11-29T19:00:00Z");

    private static final Duration RETENTION = Duration.ofDays(7);

    private final TopologyTestDriver driver = new TopologyTestDriver(
            TransactionStateTopology.build(SITE, RETENTION, tx -> {}), TransactionStateTopologyTest.properties(), NOW);
    private final TestInputTopic<String, byte[]> commands =
            driver.createInputTopic(RelayTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> replayTopic = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> outcomes =
            driver.createInputTopic("observatory.ops.outcomes", new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, Long> replayed = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new LongSerializer());
    private final TransactionStateView view = new TransactionStateView(driver::getKeyValueStore);

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void aCommandWithAKeyRecordsItsRequestHashAsDurablyAsTheTransaction() {
        command("t1", "hash-1");

        assertThat(view.find("t1")).isPresent();
        assertThat(view.idempotencyEntry("t1")).get().satisfies(entry -> {
            assertThat(entry.requestHash()).isEqualTo("hash-1");
            assertThat(entry.answer()).isNull();
        });
    }

    @Test
    void aCommandWithoutAKeyHasNoEntry() {
        command("t1", null);

        assertThat(view.find("t1")).isPresent();
        assertThat(view.idempotencyEntry("t1")).isEmpty();
    }

    @Test
    void theFirstCommandsHashStaysWhenAnotherCopyOfTheTransactionArrives() {
        command("t1", "hash-1");
        command("t1", "hash-2");

        assertThat(view.idempotencyEntry("t1").orElseThrow().requestHash()).isEqualTo("hash-1");
        assertThat(view.count(TransactionState.BUFFERED)).as("one transaction").isEqualTo(1);
    }

    @Test
    void theFirstAnswerJoinsTheKeyWhicheverArrivesFirst() {
        answer("t1", "hash-1", "{\"id\":\"a\"}");
        assertThat(view.idempotencyEntry("t1").orElseThrow().answer())
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"id\":\"a\"}");

        command("t1", "hash-1");
        command("t2", "hash-2");
        answer("t2", "hash-2", "{\"id\":\"b\"}");

        assertThat(view.idempotencyEntry("t1").orElseThrow().answer())
                .as("kept when its command follows")
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"id\":\"a\"}");
        assertThat(view.idempotencyEntry("t2").orElseThrow()).satisfies(entry -> {
            assertThat(entry.requestHash()).isEqualTo("hash-2");
            assertThat(entry.answer()).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\":\"b\"}");
        });
    }

    @Test
    void aKeyIsKeptExactlyAsLongAsItsTransactionsStatus() {
        command("t1", "hash-1");
        answer("t1", "hash-1", "{\"id\":\"a\"}");
        outcomes.pipeInput(
                "t1",
                RelayCodecs.transactionOutcomes()
                        .encode(TransactionOutcome.newBuilder()
                                .setTransactionId("t1")
                                .setSite(SITE)
                                .setStatus(OutcomeStatus.APPLIED)
                                .setAttempt(1)
                                .setCommittedAt(NOW)
                                .setCommitLsn(Lsn.valueOf("1/10").asLong())
                                .build()),
                NOW);
        replayed.pipeInput(SITE, Lsn.valueOf("1/10").asLong(), NOW);
        assertThat(view.find("t1").orElseThrow().state()).isEqualTo(TransactionState.VISIBLE);

        driver.advanceWallClockTime(RETENTION.minusSeconds(1));
        assertThat(view.idempotencyEntry("t1")).as("within the retention").isPresent();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(view.find("t1")).isEmpty();
        assertThat(view.idempotencyEntry("t1"))
                .as("after the retention, with its status")
                .isEmpty();
    }

    private void command(String tx, String requestHash) {
        Operation op = Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("r-" + tx)
                .setValues(Map.of("status", "running"))
                .build();
        WriteCommand.Builder command = WriteCommand.newBuilder()
                .setTransactionId(tx)
                .setSite(SITE)
                .setAcceptedAt(NOW)
                .setAttempt(1)
                .setOperations(List.of(op));
        if (requestHash != null) {
            command.setClientRequest(ClientRequest.newBuilder()
                    .setPrincipal("alice")
                    .setMethod("POST")
                    .setPath("/executed_obs_units/start")
                    .setIdempotencyKey("k-" + tx)
                    .setRequestHash(requestHash)
                    .build());
        }
        commands.pipeInput(tx, RelayCodecs.writeCommands().encode(command.build()), NOW);
    }

    private void answer(String tx, String requestHash, String body) {
        replayTopic.pipeInput(
                TransactionStateProcessor.ANSWER_PREFIX + tx,
                new IdempotencyEntry(requestHash, body.getBytes(StandardCharsets.UTF_8)).encode(),
                NOW);
    }
}
