package io.opsdb.relay.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriteRequestTest {

    private static final String TX = "00000000-0000-0000-0000-0000000000aa";
    private static final Instant ACCEPTED = Instant.parse("2026-11-21T12:00:00.123Z");

    private static Operation create(String id) {
        return Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.SOURCE)
                .setRecordId(id)
                .setValues(Map.of("name", "M31"))
                .build();
    }

    private static ClientRequest clientRequest() {
        return ClientRequest.newBuilder()
                .setPrincipal("observer")
                .setMethod("POST")
                .setPath("/sources")
                .setIdempotencyKey("key-1")
                .setRequestHash("ab".repeat(32))
                .build();
    }

    @Test
    void itsCommandIsTheFirstAttemptOfTheTransactionAcceptedAtTheSite() {
        WriteRequest request =
                new WriteRequest(TX, List.of(create("r1"), create("r2")), WriteKind.CRITICAL, clientRequest());

        WriteCommand command = request.command("observatory", ACCEPTED);

        assertThat(command.getTransactionId()).isEqualTo(TX);
        assertThat(command.getSite()).isEqualTo("observatory");
        assertThat(command.getAcceptedAt()).isEqualTo(ACCEPTED);
        assertThat(command.getAttempt()).isEqualTo(1);
        assertThat(command.getOperations()).extracting(Operation::getRecordId).containsExactly("r1", "r2");
        assertThat(command.getClientRequest()).isEqualTo(clientRequest());
    }

    @Test
    void aRequestWithoutAnIdempotencyKeyHasNoClientRequestInItsCommand() {
        WriteRequest request = new WriteRequest(TX, List.of(create("r1")), WriteKind.NON_CRITICAL, null);

        assertThat(request.isIdempotent()).isFalse();
        assertThat(request.command("cologne", ACCEPTED).getClientRequest()).isNull();
        assertThat(new WriteRequest(TX, List.of(), WriteKind.CRITICAL, clientRequest()).isIdempotent())
                .isTrue();
    }

    @Test
    void itsOperationsDoNotChangeWithTheListTheyCameIn() {
        List<Operation> operations = new ArrayList<>(List.of(create("r1")));
        WriteRequest request = new WriteRequest(TX, operations, WriteKind.CRITICAL, null);

        operations.add(create("r2"));

        assertThat(request.operations()).extracting(Operation::getRecordId).containsExactly("r1");
    }

    @Test
    void aTransactionIdAndAKindAreRequired() {
        assertThatNullPointerException().isThrownBy(() -> new WriteRequest(null, List.of(), WriteKind.CRITICAL, null));
        assertThatNullPointerException().isThrownBy(() -> new WriteRequest(TX, List.of(), null, null));
    }
}
