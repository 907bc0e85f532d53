package io.opsdb.relay.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.opsdb.relay.role.KeyRecord;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.secondary.internal.transaction.IdempotencyEntry;
import io.opsdb.relay.secondary.internal.transaction.TransactionStateStreams;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BufferedIdempotencyRecordsTest {

    private static final String TX = "00000000-0000-0000-0000-0000000000aa";
    private static final String HASH = "ab".repeat(32);

    private final TransactionStateStreams stores = mock(TransactionStateStreams.class);
    private final BufferedIdempotencyRecords records = new BufferedIdempotencyRecords(stores);

    private static ClientRequest request() {
        return ClientRequest.newBuilder()
                .setPrincipal("observer")
                .setMethod("POST")
                .setPath("/sources")
                .setIdempotencyKey("key-1")
                .setRequestHash(HASH)
                .build();
    }

    @Test
    void aFirstAnswerKeepsItsStatusLocationAndBodyInTheStoresEncoding() {
        KeyRecord.FirstAnswer answer = new KeyRecord.FirstAnswer(201, "/sources/abc", bytes("{\"id\":\"abc\"}"));

        KeyRecord.FirstAnswer decoded = BufferedIdempotencyRecords.decode(BufferedIdempotencyRecords.encode(answer));

        assertThat(decoded.status()).isEqualTo(201);
        assertThat(decoded.location()).isEqualTo("/sources/abc");
        assertThat(decoded.body()).isEqualTo(answer.body());
        assertThat(BufferedIdempotencyRecords.decode(
                                BufferedIdempotencyRecords.encode(new KeyRecord.FirstAnswer(201, null, new byte[0])))
                        .location())
                .isNull();
    }

    @Test
    void aClaimedKeyIsKnownByItsHashUntilItsAnswerFollows() {
        records.claim(TX, request());

        assertThat(records.find(TX)).contains(new KeyRecord(HASH, null));

        records.answered(TX, request(), new KeyRecord.FirstAnswer(201, null, bytes("{}")));

        assertThat(records.find(TX))
                .get()
                .extracting(record -> record.answer().status())
                .isEqualTo(201);
    }

    @Test
    void aKeyThisProcessNeverSawIsReadFromTheStores() {
        when(stores.isEnabled()).thenReturn(true);
        byte[] stored = BufferedIdempotencyRecords.encode(new KeyRecord.FirstAnswer(201, "/sources/abc", bytes("{}")));
        when(stores.idempotencyEntry(TX)).thenReturn(Optional.of(new IdempotencyEntry(HASH, stored)));

        assertThat(records.find(TX)).get().satisfies(record -> {
            assertThat(record.requestHash()).isEqualTo(HASH);
            assertThat(record.answer().location()).isEqualTo("/sources/abc");
        });
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
