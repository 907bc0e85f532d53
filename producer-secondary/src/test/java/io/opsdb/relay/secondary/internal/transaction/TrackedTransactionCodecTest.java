package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layout a secondary's state stores hold: a stack resumed by a later version reads back what an earlier one wrote,
 * so the bytes are pinned, and every state a transaction can reach reads back as it was written.
 */
class TrackedTransactionCodecTest {

    private static final Instant ACKNOWLEDGED = Instant.parse("2026-11-21T11:00:00.000000123Z");
    private static final Instant RETRIED = Instant.parse("2026-11-21T11:20:00Z");
    private static final Instant DECIDED = Instant.parse("2026-11-21T11:30:00Z");
    private static final Instant REPLAYED = Instant.parse("2026-11-21T11:45:00Z");
    private static final Instant SET_ASIDE = Instant.parse("2026-11-21T12:00:00Z");
    /** A package filed and its staged copy deleted: two operations, in the order they apply. */
    private static final List<Operation> OPERATIONS = List.of(
            new Operation(
                    OperationType.CREATE,
                    EntityType.RAW_DATA_PACKAGE,
                    "p1",
                    Map.<String, Object>of("size_bytes", 4096L)),
            new Operation(OperationType.DELETE, EntityType.RAW_DATA_FILE, "f1", Map.of()));

    /** Every field present, as layout 1 writes them; the operations (a WriteCommand, with its own contract) follow. */
    private static final String LAYOUT_1_FIELDS = String.join(
            "",
            "01", // layout version
            "00000002" + "7431", // transaction id "t1"
            "0000000000000007", // sequence
            "00000002", // attempt
            "04", // state DISCARDED
            "01" + "000000006b0179b0" + "0000007b", // acknowledged at (seconds, nanoseconds)
            "01" + "0000000000000100", // commit LSN 0/100
            "01" + "000000006b0180b8" + "00000000", // applied at
            "01" + "000000006b01843c" + "00000000", // visible at
            "0000000f" + "6e6f20737563682070726f6772616d", // error "no such program"
            "01" + "00000003" + "626f62" + "01" + "000000006b017e60" + "00000000", // retried by "bob"
            "01" + "00000005" + "616c696365" + "01" + "000000006b0187c0" + "00000000"); // discarded by "alice"

    private static final TrackedTransaction EVERY_FIELD = new TrackedTransaction(
            "t1",
            ACKNOWLEDGED,
            new TrackedTransaction.Attempt(7, 2, OPERATIONS),
            new TrackedTransaction.Progress(
                    TransactionState.DISCARDED,
                    Lsn.valueOf("0/100"),
                    DECIDED,
                    REPLAYED,
                    "no such program",
                    new OperatorAction("alice", SET_ASIDE)),
            new OperatorAction("bob", RETRIED));

    @Test
    void aTransactionIsWrittenInTheLayoutTheStoresAlreadyHold() {
        byte[] bytes = TrackedTransactionCodec.encode(EVERY_FIELD);

        byte[] fields = HexFormat.of().parseHex(LAYOUT_1_FIELDS);
        assertThat(Arrays.copyOf(bytes, fields.length)).isEqualTo(fields);
        assertThat(TrackedTransactionCodec.decode(bytes)).isEqualTo(EVERY_FIELD);
    }

    @Test
    void everyStateATransactionReachesReadsBackAsItWasWritten() {
        TrackedTransaction buffered = TrackedTransaction.buffered("t1", 7, 1, OPERATIONS, ACKNOWLEDGED);
        TrackedTransaction failed = buffered.failed(DECIDED, "no such program");
        TrackedTransaction retried = failed.retryAs(9, 2, OPERATIONS, new OperatorAction("bob", RETRIED));
        TrackedTransaction applied = retried.applied(Lsn.valueOf("0/70"), DECIDED);
        List<TrackedTransaction> reached = List.of(
                buffered,
                failed,
                failed.setAside(new OperatorAction("alice", SET_ASIDE)),
                retried,
                applied,
                applied.visible(REPLAYED),
                failed.following(3),
                failed.withRetry(new OperatorAction("carol", RETRIED)),
                TrackedTransaction.buffered("t2", 12, 1, List.of(), ACKNOWLEDGED)
                        .failed(DECIDED, "unreadable command: bad magic"));

        assertThat(reached)
                .allSatisfy(tx -> assertThat(TrackedTransactionCodec.decode(TrackedTransactionCodec.encode(tx)))
                        .isEqualTo(tx));
    }

    @Test
    void operationsKeptEncodedAreStoredAsTheyCameAndAStateChangeDecodesNone() {
        byte[] command = RelayCodecs.writeCommands()
                .encode(WriteCommand.newBuilder()
                        .setTransactionId("t1")
                        .setSite("observatory")
                        .setAcceptedAt(ACKNOWLEDGED)
                        .setAttempt(1)
                        .setOperations(OPERATIONS)
                        .build());
        TrackedTransaction buffered =
                TrackedTransaction.buffered("t1", 7, 1, EncodedOperations.of(command, OPERATIONS), ACKNOWLEDGED);

        byte[] stored = TrackedTransactionCodec.encode(buffered);
        assertThat(Arrays.copyOfRange(stored, stored.length - command.length, stored.length))
                .as("the command's bytes, as they came")
                .isEqualTo(command);

        TrackedTransaction read = TrackedTransactionCodec.decode(stored);
        EncodedOperations kept = (EncodedOperations) read.latest().operations();
        byte[] applied = TrackedTransactionCodec.encode(read.applied(Lsn.valueOf("0/70"), DECIDED));
        byte[] visible = TrackedTransactionCodec.encode(
                TrackedTransactionCodec.decode(applied).visible(REPLAYED));
        assertThat(kept.isDecoded())
                .as("read, then APPLIED, stored again: nothing decoded")
                .isFalse();
        assertThat(Arrays.copyOfRange(visible, visible.length - command.length, visible.length))
                .isEqualTo(command);

        assertThat(TrackedTransactionCodec.decode(visible).latest().operations())
                .isEqualTo(OPERATIONS);
        assertThat(read.latest().operations()).isEqualTo(OPERATIONS);
        assertThat(kept.isDecoded()).isTrue();
    }

    @Test
    void storedBytesWhoseOperationsAreCutShortAreRefused() {
        byte[] stored = TrackedTransactionCodec.encode(EVERY_FIELD);

        assertThatThrownBy(() -> TrackedTransactionCodec.decode(Arrays.copyOf(stored, stored.length - 1)))
                .hasMessageContaining("bytes of operations announced");
    }

    @Test
    void anOperationReadsBackOnItsOwn() {
        assertThat(OPERATIONS)
                .allSatisfy(op -> assertThat(TrackedTransactionCodec.decodeOperation(
                                TrackedTransactionCodec.encodeOperation("t1", op)))
                        .isEqualTo(op));
    }
}
