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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing is skipped at a secondary: a record its state processor cannot read (on its own {@code ops.commands} or
 * among the mirrored outcomes) goes to the dead-letter topic as it was read, and the transaction its headers name is
 * FAILED with the reason where that is its fate.
 */
class UnreadableRecordTopologyTest {

    private static final String SITE = "cologne";
    private static final String OUTCOMES = "main.ops.outcomes";
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final String T1 = "0b3c6f0e-8d3a-4e55-9a47-2f1f3c1f9b10";
    private static final String T2 = "7d1e2a90-5c4b-4f3e-8a21-0c9d8e7f6a51";
    private static final byte[] GARBAGE = "not a record this version can read".getBytes(StandardCharsets.UTF_8);

    private final List<TrackedTransaction> entered = new ArrayList<>();
    private final List<String> unreadable = new ArrayList<>();
    private final TopologyTestDriver driver = new TopologyTestDriver(
            TransactionStateTopology.build(
                    SITE,
                    Duration.ofDays(7),
                    entered::add,
                    (record, fate) -> unreadable.add(record.source() + " " + record.offset() + " "
                            + record.transactionId() + " " + fate.label())),
            TransactionStateTopologyTest.properties(),
            NOW);
    private final TestInputTopic<String, byte[]> commands =
            driver.createInputTopic(RelayTopics.COMMANDS, new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> outcomes =
            driver.createInputTopic(OUTCOMES, new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, byte[]> replayTopic = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new ByteArraySerializer());
    private final TestInputTopic<String, Long> replayed = driver.createInputTopic(
            TransactionStateTopology.replayTopic(SITE), new StringSerializer(), new LongSerializer());
    private final TestOutputTopic<String, byte[]> deadLetters =
            driver.createOutputTopic(DeadLetterTopic.name(SITE), new StringDeserializer(), new ByteArrayDeserializer());
    private final TransactionStateView view = new TransactionStateView(driver::getKeyValueStore);

    @AfterEach
    void close() {
        driver.close();
    }

    private static Headers headers(String transactionId, String site) {
        RecordHeaders headers = new RecordHeaders();
        if (transactionId != null) {
            headers.add(RelayTopics.HEADER_TRANSACTION_ID, transactionId.getBytes(StandardCharsets.UTF_8));
        }
        if (site != null) {
            headers.add(RelayTopics.HEADER_SITE, site.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    private void command(String tx, int attempt) {
        Operation op = Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("r-" + tx)
                .setValues(Map.of("status", "running"))
                .build();
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId(tx)
                .setSite(SITE)
                .setAcceptedAt(NOW)
                .setAttempt(attempt)
                .setOperations(List.of(op))
                .build();
        RecordHeaders headers = (RecordHeaders) headers(tx, SITE);
        if (attempt > 1) {
            headers.add(TransactionStateTopology.HEADER_RETRIED_BY, "ops".getBytes(StandardCharsets.UTF_8));
        }
        commands.pipeInput(new TestRecord<>(tx, RelayCodecs.writeCommands().encode(command), headers, NOW));
    }

    private static TransactionOutcome outcome(String tx, OutcomeStatus status, String lsn) {
        return TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite(SITE)
                .setStatus(status)
                .setAttempt(1)
                .setCommittedAt(NOW)
                .setCommitLsn(Lsn.valueOf(lsn).asLong())
                .setError(status == OutcomeStatus.FAILED ? "no such program" : null)
                .build();
    }

    private TrackedTransaction find(String tx) {
        return view.find(tx).orElseThrow();
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void anUnreadableCommandNamingANewTransactionIsItsFailedFirstAttemptAndIsSetAsideAsRead() {
        commands.pipeInput(new TestRecord<>(T1, GARBAGE, headers(T1, SITE), NOW));

        TrackedTransaction failed = find(T1);
        assertThat(failed.state()).isEqualTo(TransactionState.FAILED);
        assertThat(failed.progress().error()).startsWith("unreadable command: ");
        assertThat(failed.attempt()).isEqualTo(1);
        assertThat(failed.latest().sequence()).isZero();
        assertThat(failed.latest().operations()).isEmpty();
        assertThat(view.list(TransactionState.FAILED, null, 10)).containsExactly(failed);
        assertThat(entered).containsExactly(failed);
        assertThat(unreadable).containsExactly("COMMAND 0 " + T1 + " transaction_failed");

        TestRecord<String, byte[]> deadLetter = deadLetters.readRecord();
        assertThat(deadLetter.key()).isEqualTo(T1);
        assertThat(deadLetter.value()).isEqualTo(GARBAGE);
        assertThat(header(deadLetter.headers(), RelayTopics.HEADER_TRANSACTION_ID))
                .isEqualTo(T1);
        assertThat(header(deadLetter.headers(), DeadLetterTopic.HEADER_SOURCE_TOPIC))
                .isEqualTo(RelayTopics.COMMANDS);
        assertThat(header(deadLetter.headers(), DeadLetterTopic.HEADER_SOURCE_PARTITION))
                .isEqualTo("0");
        assertThat(header(deadLetter.headers(), DeadLetterTopic.HEADER_SOURCE_OFFSET))
                .isEqualTo("0");
        assertThat(header(deadLetter.headers(), DeadLetterTopic.HEADER_ERROR))
                .isEqualTo(failed.progress().error());
        assertThat(deadLetters.isEmpty()).isTrue();

        // The main site fails it too (its own copy is as unreadable there), and an intact copy changes nothing: as at
        // the main site, the transaction's first attempt is FAILED already.
        outcomes.pipeInput(T1, RelayCodecs.transactionOutcomes().encode(outcome(T1, OutcomeStatus.FAILED, "0/0")), NOW);
        command(T1, 1);
        assertThat(find(T1)).isEqualTo(failed);
        assertThat(view.inFlightOperations("r-" + T1)).isEmpty();
    }

    @Test
    void anUnreadableCommandThatNamesNoTransactionIsSetAsideAndTheCommandsBehindItAreBuffered() {
        commands.pipeInput(new TestRecord<>(null, GARBAGE, headers(null, null), NOW));
        commands.pipeInput(new TestRecord<>("x", GARBAGE, headers("not-a-uuid", SITE), NOW));
        commands.pipeInput(new TestRecord<>(T2, GARBAGE, headers(T2, "paranal"), NOW));
        command(T1, 1);

        assertThat(unreadable)
                .containsExactly(
                        "COMMAND 0 null unattributed",
                        "COMMAND 1 null unattributed",
                        "COMMAND 2 " + T2 + " unattributed");
        assertThat(deadLetters.readValuesToList()).hasSize(3);
        assertThat(view.find(T2)).as("another site's").isEmpty();
        assertThat(view.count(TransactionState.FAILED)).isZero();
        assertThat(find(T1).state()).isEqualTo(TransactionState.BUFFERED);
        assertThat(find(T1).latest().sequence()).isEqualTo(3);
    }

    @Test
    void anUnreadableCommandNamingABufferedTransactionLeavesItToItsOwnCommand() {
        command(T1, 1);
        commands.pipeInput(new TestRecord<>(T1, GARBAGE, headers(T1, SITE), NOW));

        assertThat(find(T1).state()).isEqualTo(TransactionState.BUFFERED);
        assertThat(unreadable).containsExactly("COMMAND 1 " + T1 + " unattributed");
        assertThat(deadLetters.readValuesToList()).containsExactly(GARBAGE);
    }

    @Test
    void anUnreadableOutcomeFailsTheBufferedTransactionItNamesWhichARetrySettles() {
        command(T1, 1);
        outcomes.pipeInput(new TestRecord<>(T1, GARBAGE, headers(T1, SITE), NOW));

        TrackedTransaction failed = find(T1);
        assertThat(failed.state()).isEqualTo(TransactionState.FAILED);
        assertThat(failed.progress().error()).startsWith("unreadable outcome: ");
        assertThat(failed.latest().operations())
                .as("known: a retry applies them")
                .hasSize(1);
        assertThat(view.inFlightOperations("r-" + T1)).isEmpty();
        assertThat(view.inFlightCount()).isZero();
        assertThat(unreadable).containsExactly("OUTCOME 0 " + T1 + " transaction_failed");
        TestRecord<String, byte[]> deadLetter = deadLetters.readRecord();
        assertThat(deadLetter.value()).isEqualTo(GARBAGE);
        assertThat(header(deadLetter.headers(), DeadLetterTopic.HEADER_SOURCE_TOPIC))
                .isEqualTo(OUTCOMES);

        // A readable copy of the outcome arriving later does not undo what an operator has been shown.
        outcomes.pipeInput(
                T1, RelayCodecs.transactionOutcomes().encode(outcome(T1, OutcomeStatus.APPLIED, "1/0")), NOW);
        assertThat(find(T1).state()).isEqualTo(TransactionState.FAILED);

        // Retried, its second attempt is a duplicate at the main site, which sends no outcome for it: the replica's
        // ledger says the first attempt was APPLIED, and that settles it.
        command(T1, 2);
        assertThat(find(T1).state()).isEqualTo(TransactionState.BUFFERED);
        replayTopic.pipeInput(
                TransactionStateProcessor.LEDGER_OUTCOME_PREFIX + T1,
                RelayCodecs.transactionOutcomes().encode(outcome(T1, OutcomeStatus.APPLIED, "1/8")),
                NOW);
        replayed.pipeInput(SITE, Lsn.valueOf("1/8").asLong(), NOW);
        assertThat(find(T1).state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(find(T1).attempt()).isEqualTo(2);
        assertThat(view.inFlightOperations("r-" + T1)).isEmpty();
    }

    @Test
    void anUnreadableOutcomeForNoTransactionWaitingHereChangesNothingButIsSetAside() {
        command(T1, 1);
        outcomes.pipeInput(
                T1, RelayCodecs.transactionOutcomes().encode(outcome(T1, OutcomeStatus.APPLIED, "1/0")), NOW);
        outcomes.pipeInput(new TestRecord<>(T1, GARBAGE, headers(T1, SITE), NOW));
        outcomes.pipeInput(new TestRecord<>(T1, GARBAGE, headers(T1, "paranal"), NOW));
        outcomes.pipeInput(new TestRecord<>(T2, GARBAGE, headers(T2, null), NOW));
        outcomes.pipeInput(new TestRecord<>(null, GARBAGE, headers(null, null), NOW));

        assertThat(find(T1).state()).as("APPLIED already").isEqualTo(TransactionState.APPLIED);
        assertThat(view.find(T2)).isEmpty();
        assertThat(unreadable)
                .containsExactly(
                        "OUTCOME 1 " + T1 + " unattributed",
                        "OUTCOME 2 " + T1 + " unattributed",
                        "OUTCOME 3 " + T2 + " unattributed",
                        "OUTCOME 4 null unattributed");
        assertThat(deadLetters.readValuesToList()).hasSize(4);
    }
}
