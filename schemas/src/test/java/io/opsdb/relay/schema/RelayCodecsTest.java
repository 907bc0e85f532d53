package io.opsdb.relay.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class RelayCodecsTest {

    private final MessageCodec<WriteCommand> commands = RelayCodecs.writeCommands();
    private final MessageCodec<TransactionOutcome> outcomes = RelayCodecs.transactionOutcomes();

    @Test
    void writeCommandSurvivesTheRoundTripWithTypedValues() {
        Map<String, Object> values = new HashMap<>();
        values.put("status", "running");
        values.put("size_bytes", 42L);
        values.put("quality", 0.5d);
        values.put("flagged", true);
        values.put("notes", null);
        WriteCommand command = WriteCommand.newBuilder()
                .setTransactionId("7f2c1b4e-3a4d-4e8a-9d1b-0c7e5f6a7b8c")
                .setSite("observatory")
                .setAcceptedAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .setOperations(List.of(Operation.newBuilder()
                        .setType(OperationType.CREATE)
                        .setEntity(EntityType.EXECUTED_OBS_UNIT)
                        .setRecordId("0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d")
                        .setValues(values)
                        .build()))
                .build();

        WriteCommand decoded = commands.decode(commands.encode(command));

        assertThat(decoded).isEqualTo(command);
        assertThat(decoded.getAttempt()).isEqualTo(1);
        assertThat(decoded.getOperations().get(0).getValues())
                .containsEntry("size_bytes", 42L)
                .containsEntry("quality", 0.5d)
                .containsEntry("flagged", true)
                .containsEntry("notes", null);
    }

    /**
     * Avro's own {@code encode(message)} writes into a buffer it keeps per thread at its largest size; a secondary's
     * request threads, each of which had once encoded an 8 MiB command, held most of its heap that way. Read from
     * Avro's thread-local by reflection: what the codec leaves behind in the encoding thread.
     */
    @Test
    void encodingTheLargestCommandLeavesNoBufferOfItsSizeInTheThread() throws Exception {
        String path = "x".repeat(1_000);
        List<Operation> files = new java.util.ArrayList<>();
        for (int i = 0; i < 8_000; i++) {
            files.add(Operation.newBuilder()
                    .setType(OperationType.CREATE)
                    .setEntity(EntityType.RAW_DATA_FILE)
                    .setRecordId("file-" + i)
                    .setValues(Map.of("path", path))
                    .build());
        }
        WriteCommand large = WriteCommand.newBuilder()
                .setTransactionId("t")
                .setSite("observatory")
                .setAcceptedAt(Instant.ofEpochMilli(5))
                .setOperations(files)
                .build();

        byte[] encoded = commands.encode(large);

        assertThat(encoded.length).isGreaterThan(8_000_000);
        assertThat(commands.decode(encoded).getOperations()).hasSize(8_000);
        java.lang.reflect.Field temp = org.apache.avro.message.RawMessageEncoder.class.getDeclaredField("TEMP");
        temp.setAccessible(true);
        Object kept = ((ThreadLocal<?>) temp.get(null)).get();
        // Its buffer, wrapped as it is: the capacity is the buffer's length.
        java.lang.reflect.Method wrapped = kept.getClass().getDeclaredMethod("toBufferWithoutCopy");
        wrapped.setAccessible(true);
        assertThat(((ByteBuffer) wrapped.invoke(kept)).capacity())
                .as("bytes Avro keeps in this thread after the encoding")
                .isLessThan(1024 * 1024);
    }

    @Test
    void encodingIsSingleObjectWithTheSchemaFingerprint() {
        TransactionOutcome outcome = TransactionOutcome.newBuilder()
                .setTransactionId("t")
                .setSite("observatory")
                .setStatus(OutcomeStatus.FAILED)
                .setCommitLsn(0x16B374D848L)
                .setCommittedAt(Instant.ofEpochMilli(5))
                .setError("violates fk")
                .build();

        byte[] bytes = outcomes.encode(outcome);

        // Avro single-object encoding: marker C3 01, then the little-endian CRC-64-AVRO fingerprint.
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(TransactionOutcome.getClassSchema());
        long written =
                ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(written).isEqualTo(fingerprint);
        assertThat(outcomes.decode(bytes)).isEqualTo(outcome);
    }

    @Test
    void refusesBytesOfAnotherMessageAsPoison() {
        byte[] outcomeBytes = outcomes.encode(TransactionOutcome.newBuilder()
                .setTransactionId("t")
                .setSite("s")
                .setStatus(OutcomeStatus.APPLIED)
                .setCommitLsn(1)
                .setCommittedAt(Instant.EPOCH)
                .build());

        assertThatThrownBy(() -> commands.decode(outcomeBytes))
                .isInstanceOf(MessageDecodingException.class)
                .hasMessageContaining("WriteCommand");
        assertThatThrownBy(() -> commands.decode(new byte[] {1, 2, 3})).isInstanceOf(MessageDecodingException.class);
        assertThatThrownBy(() -> commands.decode(null)).isInstanceOf(MessageDecodingException.class);
    }
}
