package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The state codes are in every store and changelog a secondary has written: a stack resumed by a later version reads
 * them back. These tests pin each code; changing one breaks every stored index.
 */
class TransactionStateCodeTest {

    @Test
    void eachStateKeepsTheCodeItWasFirstStoredWith() {
        assertThat(TransactionState.BUFFERED.code()).isEqualTo((byte) 0);
        assertThat(TransactionState.APPLIED.code()).isEqualTo((byte) 1);
        assertThat(TransactionState.VISIBLE.code()).isEqualTo((byte) 2);
        assertThat(TransactionState.FAILED.code()).isEqualTo((byte) 3);
        assertThat(TransactionState.DISCARDED.code()).isEqualTo((byte) 4);
    }

    @Test
    void codesAreUniqueAndReadBackAsTheirState() {
        assertThat(Arrays.stream(TransactionState.values()).map(TransactionState::code))
                .doesNotHaveDuplicates();
        for (TransactionState state : TransactionState.values()) {
            assertThat(TransactionState.ofCode(state.code())).isEqualTo(state);
        }
        assertThatThrownBy(() -> TransactionState.ofCode((byte) 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5");
    }

    @Test
    void theStateIndexKeyStartsWithTheCode() {
        assertThat(TransactionStore.stateKey(TransactionState.FAILED, "t1").get())
                .startsWith(3, 't', '1');
    }

    @Test
    void aStoredTransactionCarriesItsStateAsItsCode() {
        Operation op = Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("r1")
                .setValues(Map.of("status", "running"))
                .build();
        TrackedTransaction tx = new TrackedTransaction(
                "t1",
                7,
                1,
                List.of(op),
                TransactionState.DISCARDED,
                Instant.parse("2026-11-21T12:00:00Z"),
                null,
                null,
                null,
                "no such program");

        byte[] bytes = TrackedTransactionCodec.encode(tx);

        // Version byte, then the id (length-prefixed), the sequence and the attempt: the state's byte follows.
        int stateAt = 1 + Integer.BYTES + "t1".length() + Long.BYTES + Integer.BYTES;
        assertThat(bytes[stateAt]).isEqualTo((byte) 4);
        assertThat(TrackedTransactionCodec.decode(bytes).state()).isEqualTo(TransactionState.DISCARDED);
    }
}
