package io.opsdb.relay.app.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdempotencyKeyTest {

    private static final IdempotencyKey KEY = IdempotencyKey.of("retry-me-7f3a");

    @ParameterizedTest
    @ValueSource(strings = {"a", "8f14e45f-ceea-467f-a8f4-7d5e9e6b1a2c", "with space and ~!@#$%^&*()"})
    void aPrintableAsciiKeyOfUpTo255CharactersIsTakenAsSent(String header) {
        assertThat(IdempotencyKey.of(header).asString()).isEqualTo(header);
        assertThat(IdempotencyKey.of("k".repeat(255)).asString()).hasSize(255);
    }

    @Test
    void aKeyThatIsEmptyBlankTooLongOrNotPrintableAsciiIsRefusedWithTheReason() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of(""))
                .withMessage("must not be empty");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of("   "))
                .withMessage("must not be blank");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of("k".repeat(256)))
                .withMessage("must be at most 255 characters");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of("tab\there"))
                .withMessageContaining("printable ASCII");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of("schlüssel"))
                .withMessageContaining("printable ASCII");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> IdempotencyKey.of("del\u007f"))
                .withMessageContaining("printable ASCII");
    }

    @Test
    void theSameKeyInTheSameScopeIsTheSameTransactionWhateverTheBody() {
        IdempotentRequest first =
                request("alice", "POST", "/executed_obs_units/start", KEY, "{\"obs_unit_id\":\"uid://1\"}");
        IdempotentRequest retry =
                request("alice", "POST", "/executed_obs_units/start", KEY, "{\"obs_unit_id\":\"uid://1\"}");
        IdempotentRequest otherBody =
                request("alice", "POST", "/executed_obs_units/start", KEY, "{\"obs_unit_id\":\"uid://2\"}");

        assertThat(retry.transactionId("observatory")).isEqualTo(first.transactionId("observatory"));
        // Another body under the same key is the same transaction id: that is how it is found, and refused (422).
        assertThat(otherBody.transactionId("observatory")).isEqualTo(first.transactionId("observatory"));
        assertThat(UUID.fromString(first.transactionId("observatory")).version())
                .isEqualTo(3);
    }

    @Test
    void eachPartOfTheScopeMakesAnotherTransaction() {
        String body = "{}";
        Set<String> ids = new HashSet<>();
        ids.add(request("alice", "POST", "/sources", KEY, body).transactionId("observatory"));
        ids.add(request("alice", "POST", "/sources", KEY, body).transactionId("telescope"));
        ids.add(request("bob", "POST", "/sources", KEY, body).transactionId("observatory"));
        ids.add(request("alice", "PUT", "/sources", KEY, body).transactionId("observatory"));
        ids.add(request("alice", "POST", "/observing_programs", KEY, body).transactionId("observatory"));
        ids.add(request("alice", "POST", "/sources", IdempotencyKey.of("other"), body)
                .transactionId("observatory"));
        assertThat(ids).hasSize(6);
    }

    @Test
    void recordIdsFollowFromTheTransactionAndTheirPlace() {
        String tx = request("alice", "POST", "/raw_data_files/bulk", KEY, "{}").transactionId("observatory");

        assertThat(IdempotentRequest.recordId(tx, 0))
                .isEqualTo(IdempotentRequest.recordId(tx, 0))
                .isNotEqualTo(IdempotentRequest.recordId(tx, 1))
                .isNotEqualTo(tx);
        assertThat(IdempotentRequest.recordId(UUID.randomUUID().toString(), 0))
                .isNotEqualTo(IdempotentRequest.recordId(tx, 0));
    }

    @Test
    void aWriteHandsOutTheSameRecordIdsInTheSameOrderOnEveryRetry() {
        IdempotentRequest request = request("alice", "POST", "/api/transactions", KEY, "{}");
        IdempotentWrite first = new IdempotentWrite(request, request.transactionId("observatory"));
        IdempotentWrite retry = new IdempotentWrite(request, request.transactionId("observatory"));

        assertThat(new String[] {first.nextRecordId(), first.nextRecordId(), first.nextRecordId()})
                .containsExactly(retry.nextRecordId(), retry.nextRecordId(), retry.nextRecordId())
                .doesNotHaveDuplicates();
    }

    @Test
    void theRequestHashCountsContentNotSpelling() {
        String hash = IdempotentRequest.requestHash(
                "POST", "/sources", bytes("{\"name\":\"M31\",\"ra\":10.68,\"tags\":[\"b\",\"a\"]}"));

        assertThat(IdempotentRequest.requestHash(
                        "POST", "/sources", bytes(" { \"tags\" : [\"b\",\"a\"], \"ra\":10.68,\n\"name\":\"M31\"}")))
                .as("keys in another order, other whitespace")
                .isEqualTo(hash);
        assertThat(IdempotentRequest.requestHash(
                        "POST", "/sources", bytes("{\"name\":\"M31\",\"ra\":10.68,\"tags\":[\"a\",\"b\"]}")))
                .as("array order counts")
                .isNotEqualTo(hash);
        assertThat(IdempotentRequest.requestHash(
                        "POST", "/sources", bytes("{\"name\":\"M32\",\"ra\":10.68,\"tags\":[\"b\",\"a\"]}")))
                .as("another value")
                .isNotEqualTo(hash);
        assertThat(IdempotentRequest.requestHash(
                        "PUT", "/sources", bytes("{\"name\":\"M31\",\"ra\":10.68,\"tags\":[\"b\",\"a\"]}")))
                .as("another method")
                .isNotEqualTo(hash);
        assertThat(hash).hasSize(64).matches("[0-9a-f]+");
        assertThat(IdempotentRequest.requestHash("POST", "/sources", bytes("not json")))
                .isEqualTo(IdempotentRequest.requestHash("POST", "/sources", bytes("not json")))
                .isNotEqualTo(IdempotentRequest.requestHash("POST", "/sources", bytes("not  json")));
    }

    private static IdempotentRequest request(
            String principal, String method, String path, IdempotencyKey key, String body) {
        return IdempotentRequest.of(principal, method, path, key, bytes(body));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
