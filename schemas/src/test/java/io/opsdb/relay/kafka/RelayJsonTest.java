package io.opsdb.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RelayJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRANSACTION = "7f2c1b4e-3a4d-4e8a-9d1b-0c7e5f6a7b8c";

    @Test
    void aWriteCommandIsPrintedWithItsFieldsByNameAndPlainValues() throws Exception {
        JsonNode json = JSON.readTree(new RelayJsonDeserializer().deserialize("ops.commands", command()));

        assertThat(json.get("transactionId").asText()).isEqualTo(TRANSACTION);
        assertThat(json.get("site").asText()).isEqualTo("observatory");
        assertThat(json.get("acceptedAt").asText()).isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(json.get("attempt").asInt()).isEqualTo(1);
        assertThat(json.get("clientRequest").isNull()).isTrue();
        JsonNode operation = json.get("operations").get(0);
        assertThat(operation.get("type").asText()).isEqualTo("CREATE");
        assertThat(operation.get("entity").asText()).isEqualTo("EXECUTED_OBS_UNIT");
        JsonNode values = operation.get("values");
        assertThat(values.get("status").asText()).isEqualTo("running \"quoted\" ü");
        assertThat(values.get("size_bytes").isIntegralNumber()).isTrue();
        assertThat(values.get("size_bytes").asLong()).isEqualTo(42L);
        assertThat(values.get("quality").asDouble()).isEqualTo(0.5d);
        assertThat(values.get("flagged").asBoolean()).isTrue();
        assertThat(values.get("notes").isNull()).isTrue();
    }

    @Test
    void anOutcomeIsPrintedWithItsStatusAndLsn() throws Exception {
        TransactionOutcome outcome = TransactionOutcome.newBuilder()
                .setTransactionId(TRANSACTION)
                .setSite("observatory")
                .setStatus(OutcomeStatus.FAILED)
                .setCommitLsn(0x16B374D848L)
                .setCommittedAt(Instant.ofEpochMilli(5))
                .setError("violates fk")
                .build();

        JsonNode json = JSON.readTree(new RelayJsonDeserializer()
                .deserialize("ops.outcomes", RelayCodecs.transactionOutcomes().encode(outcome)));

        assertThat(json.get("status").asText()).isEqualTo("FAILED");
        assertThat(json.get("commitLsn").asLong()).isEqualTo(0x16B374D848L);
        assertThat(json.get("error").asText()).isEqualTo("violates fk");
        assertThat(json.get("committedAt").asText()).isEqualTo("1970-01-01T00:00:00.005Z");
    }

    @Test
    void bytesThatAreNoRelayMessageArePrintedAsUnreadableWithTheirContent() {
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);

        JsonNode json = RelayJson.value(garbage);

        assertThat(json.get("unreadable").asText()).contains("WriteCommand").contains("TransactionOutcome");
        assertThat(Base64.getDecoder().decode(json.get("base64").asText())).isEqualTo(garbage);
        assertThat(RelayJson.value(null).isNull()).isTrue();
    }

    @Test
    void theFormatterPrintsOneLineWithPlaceKeyHeadersAndValue() throws Exception {
        RecordHeaders headers = new RecordHeaders();
        headers.add(RelayTopics.HEADER_TRANSACTION_ID, TRANSACTION.getBytes(StandardCharsets.UTF_8));
        headers.add(RelayTopics.HEADER_SITE, "observatory".getBytes(StandardCharsets.UTF_8));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                "observatory.ops.commands",
                0,
                17L,
                1_700_000_000_123L,
                TimestampType.CREATE_TIME,
                -1,
                -1,
                "observatory".getBytes(StandardCharsets.UTF_8),
                command(),
                headers,
                Optional.empty());
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        new RelayMessageFormatter().writeTo(record, new PrintStream(printed, true, StandardCharsets.UTF_8));

        String text = printed.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith(System.lineSeparator()).hasLineCount(1);
        JsonNode json = JSON.readTree(text);
        assertThat(json.get("topic").asText()).isEqualTo("observatory.ops.commands");
        assertThat(json.get("offset").asLong()).isEqualTo(17L);
        assertThat(json.get("key").asText()).isEqualTo("observatory");
        assertThat(json.get("headers").get("transaction-id").asText()).isEqualTo(TRANSACTION);
        assertThat(json.get("value").get("transactionId").asText()).isEqualTo(TRANSACTION);
    }

    @Test
    void theProgramReadsKcatsLengthPrefixedValuesIncludingNullAndACutOne() throws Exception {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(frames);
        byte[] command = command();
        out.writeInt(command.length);
        out.write(command);
        out.writeInt(-1);
        out.writeInt(command.length);
        out.write(command, 0, 10);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        InputStream stdin = System.in;
        PrintStream stdout = System.out;
        try {
            System.setIn(new ByteArrayInputStream(frames.toByteArray()));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            RelayJson.main(new String[0]);
        } finally {
            System.setIn(stdin);
            System.setOut(stdout);
        }

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(JSON.readTree(lines.get(0)).get("transactionId").asText()).isEqualTo(TRANSACTION);
        assertThat(lines.get(1)).isEqualTo("null");
        assertThat(JSON.readTree(lines.get(2)).has("unreadable")).isTrue();
    }

    private static byte[] command() {
        Map<String, Object> values = new HashMap<>();
        values.put("status", "running \"quoted\" ü");
        values.put("size_bytes", 42L);
        values.put("quality", 0.5d);
        values.put("flagged", true);
        values.put("notes", null);
        return RelayCodecs.writeCommands()
                .encode(WriteCommand.newBuilder()
                        .setTransactionId(TRANSACTION)
                        .setSite("observatory")
                        .setAcceptedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                        .setOperations(List.of(Operation.newBuilder()
                                .setType(OperationType.CREATE)
                                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                                .setRecordId("0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d")
                                .setValues(values)
                                .build()))
                        .build());
    }
}
