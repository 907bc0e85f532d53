package io.opsdb.relay.secondary;

import io.opsdb.relay.role.IdempotencyRecords;
import io.opsdb.relay.role.KeyRecord;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.secondary.internal.transaction.IdempotencyEntry;
import io.opsdb.relay.secondary.internal.transaction.TransactionStateStreams;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A secondary keeps its keys in the transaction state stores ({@code idempotency-keys}, by transaction id): the
 * request hash comes in with the command itself, the first answer follows through the stores' processor. The keys
 * this process used recently are also kept on the heap, bounded, because the processor may not have the command yet
 * when a retry arrives. With TRANSACTION_STATE_STORE off there is only the heap, lost on a restart (as the
 * transactions are).
 */
@Component
class BufferedIdempotencyRecords implements IdempotencyRecords {

    /** Keys used by this process kept on the heap; the oldest leave first. */
    static final int RECENT_KEYS = 10_000;

    private final TransactionStateStreams stores;
    private final Map<String, KeyRecord> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, KeyRecord> eldest) {
            return size() > RECENT_KEYS;
        }
    };

    BufferedIdempotencyRecords(TransactionStateStreams stores) {
        this.stores = stores;
    }

    @Override
    public Optional<KeyRecord> find(String transactionId) {
        KeyRecord known;
        synchronized (recent) {
            known = recent.get(transactionId);
        }
        if ((known == null || known.answer() == null) && stores.isEnabled()) {
            Optional<KeyRecord> stored = stores.idempotencyEntry(transactionId)
                    .map(entry ->
                            new KeyRecord(entry.requestHash(), entry.answer() == null ? null : decode(entry.answer())));
            if (stored.isPresent()) {
                return stored;
            }
        }
        return Optional.ofNullable(known);
    }

    @Override
    public void claim(String transactionId, ClientRequest request) {
        synchronized (recent) {
            recent.putIfAbsent(transactionId, new KeyRecord(request.getRequestHash(), null));
        }
    }

    @Override
    public void answered(String transactionId, ClientRequest request, KeyRecord.FirstAnswer answer) {
        synchronized (recent) {
            recent.put(transactionId, new KeyRecord(request.getRequestHash(), answer));
        }
        if (stores.isEnabled()) {
            stores.rememberAnswer(transactionId, new IdempotencyEntry(request.getRequestHash(), encode(answer)));
        }
    }

    /** As the stores keep a first answer: status, location (length-prefixed, -1 for none), body. */
    static byte[] encode(KeyRecord.FirstAnswer answer) {
        byte[] where = answer.location() == null ? null : answer.location().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes =
                ByteBuffer.allocate(Integer.BYTES * 2 + (where == null ? 0 : where.length) + answer.body().length);
        bytes.putInt(answer.status()).putInt(where == null ? -1 : where.length);
        if (where != null) {
            bytes.put(where);
        }
        return bytes.put(answer.body()).array();
    }

    static KeyRecord.FirstAnswer decode(byte[] encoded) {
        ByteBuffer bytes = ByteBuffer.wrap(encoded);
        int status = bytes.getInt();
        int length = bytes.getInt();
        String location = null;
        if (length >= 0) {
            byte[] where = new byte[length];
            bytes.get(where);
            location = new String(where, StandardCharsets.UTF_8);
        }
        byte[] body = new byte[bytes.remaining()];
        bytes.get(body);
        return new KeyRecord.FirstAnswer(status, location, body);
    }
}
