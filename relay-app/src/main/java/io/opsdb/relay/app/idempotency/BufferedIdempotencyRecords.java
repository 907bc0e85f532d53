package io.opsdb.relay.app.idempotency;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.opsdb.relay.secondary.transaction.IdempotencyEntry;
import io.opsdb.relay.secondary.transaction.TransactionStateStreams;
import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;

/**
 * A secondary keeps its keys in the transaction state stores ({@code idempotency-keys}, by transaction id): the
 * request hash comes in with the command itself, the first answer follows through the stores' processor. The keys
 * this process used recently are also kept on the heap, bounded, because the processor may not have the command yet
 * when a retry arrives. With TRANSACTION_STATE_STORE off there is only the heap, lost on a restart (as the
 * transactions are).
 */
@Component
@ConditionalOnSiteType(SiteType.SECONDARY)
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
            Optional<KeyRecord> stored = stores.idempotencyEntry(transactionId).map(entry -> new KeyRecord(
                    entry.requestHash(), entry.answer() == null ? null : KeyRecord.FirstAnswer.decode(entry.answer())));
            if (stored.isPresent()) {
                return stored;
            }
        }
        return Optional.ofNullable(known);
    }

    @Override
    public void claim(String transactionId, IdempotentRequest request) {
        synchronized (recent) {
            recent.putIfAbsent(transactionId, new KeyRecord(request.requestHash(), null));
        }
    }

    @Override
    public void answered(String transactionId, IdempotentRequest request, KeyRecord.FirstAnswer answer) {
        synchronized (recent) {
            recent.put(transactionId, new KeyRecord(request.requestHash(), answer));
        }
        if (stores.isEnabled()) {
            stores.rememberAnswer(transactionId, new IdempotencyEntry(request.requestHash(), answer.encode()));
        }
    }
}
