package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads of the stores {@link TransactionStateTopology} keeps: point lookups and range scans, nothing loaded whole.
 *
 * <p>While Kafka Streams does not serve the stores (starting, stopping, or rebalancing and restoring them from their
 * changelogs after a fence or an unclean stop) every read fails with an {@link InvalidStateStoreException}. That lasts
 * seconds to minutes and then passes, so it is reported as {@link SiteUnavailableException}: a 503 with Retry-After,
 * not a 500.
 */
final class TransactionStateView {

    /** Where the view finds a store by name: the running streams instance's, or a test driver's. */
    @FunctionalInterface
    public interface Stores {
        <K, V> ReadOnlyKeyValueStore<K, V> get(String name);

        /**
         * Runs one read of the stores (its lookups and iterations), failing it with an {@link
         * InvalidStateStoreException} if the stores could not be trusted for the whole of it. By default it just runs.
         */
        default <T> T read(Supplier<T> read) {
            return read.get();
        }
    }

    private final Stores stores;

    public TransactionStateView(Stores stores) {
        this.stores = stores;
    }

    public Optional<TrackedTransaction> find(String transactionId) {
        byte[] stored = read(() -> stores.<String, byte[]>get(TransactionStateTopology.TRANSACTIONS)
                .get(transactionId));
        return Optional.ofNullable(stored).map(TrackedTransactionCodec::decode);
    }

    public Optional<IdempotencyEntry> idempotencyEntry(String transactionId) {
        byte[] stored = read(() -> stores.<String, byte[]>get(TransactionStateTopology.IDEMPOTENCY_KEYS)
                .get(transactionId));
        return Optional.ofNullable(stored).map(IdempotencyEntry::decode);
    }

    /** One page of the transactions in {@code state}, in id order, after {@code afterTransactionId} (null: from the first). */
    public List<TrackedTransaction> list(TransactionState state, String afterTransactionId, int limit) {
        return read(() -> listNow(state, afterTransactionId, limit));
    }

    private List<TrackedTransaction> listNow(TransactionState state, String afterTransactionId, int limit) {
        ReadOnlyKeyValueStore<Bytes, byte[]> index = stores.get(TransactionStateTopology.BY_STATE);
        Bytes from = TransactionStore.stateKey(state, afterTransactionId == null ? "" : afterTransactionId);
        Bytes to = Bytes.wrap(new byte[] {state.code(), (byte) 0xFF});
        List<TrackedTransaction> page = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> keys = index.range(from, to)) {
            while (keys.hasNext() && page.size() < limit) {
                byte[] key = keys.next().key.get();
                String id = new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
                if (!id.equals(afterTransactionId)) {
                    find(id).filter(tx -> tx.state() == state).ifPresent(page::add);
                }
            }
        }
        return page;
    }

    public int count(TransactionState state) {
        Long count = read(() ->
                stores.<String, Long>get(TransactionStateTopology.POSITIONS).get(TransactionStore.countKey(state)));
        return count == null ? 0 : (int) (long) count;
    }

    /** The in-flight operations on one record, in the site's order. */
    public List<Operation> inFlightOperations(String recordId) {
        return inFlightSequencedOperations(recordId).stream()
                .map(SequencedOperation::operation)
                .toList();
    }

    /** The same, each with its place in the site's order (the command's offset and the operation's index in it). */
    List<SequencedOperation> inFlightSequencedOperations(String recordId) {
        return read(() -> inFlightSequencedOperationsNow(recordId));
    }

    private List<SequencedOperation> inFlightSequencedOperationsNow(String recordId) {
        ReadOnlyKeyValueStore<Bytes, byte[]> overlay = stores.get(TransactionStateTopology.OVERLAY);
        List<SequencedOperation> operations = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> ops =
                overlay.prefixScan(TransactionStore.overlayPrefix(recordId), new BytesSerializer())) {
            while (ops.hasNext()) {
                KeyValue<Bytes, byte[]> entry = ops.next();
                ByteBuffer key = ByteBuffer.wrap(entry.key.get());
                key.position(key.limit() - Long.BYTES - Integer.BYTES);
                operations.add(new SequencedOperation(
                        key.getLong(), key.getInt(), TrackedTransactionCodec.decodeOperation(entry.value)));
            }
        }
        return operations;
    }

    /** One in-flight operation at its place in the site's order. */
    record SequencedOperation(long sequence, int index, Operation operation) {}

    /** The records of one entity that have operations in flight. */
    public Set<String> inFlightRecordIds(EntityType entity) {
        return read(() -> inFlightRecordIdsNow(entity));
    }

    private Set<String> inFlightRecordIdsNow(EntityType entity) {
        ReadOnlyKeyValueStore<Bytes, byte[]> overlay = stores.get(TransactionStateTopology.OVERLAY);
        Set<String> ids = new HashSet<>();
        try (KeyValueIterator<Bytes, byte[]> ops = overlay.all()) {
            while (ops.hasNext()) {
                KeyValue<Bytes, byte[]> entry = ops.next();
                Operation op = TrackedTransactionCodec.decodeOperation(entry.value);
                if (op.getEntity() == entity) {
                    ids.add(op.getRecordId());
                }
            }
        }
        return ids;
    }

    /** Transactions not yet VISIBLE or FAILED. */
    public int inFlightCount() {
        return count(TransactionState.BUFFERED) + count(TransactionState.APPLIED);
    }

    public Lsn replayedPosition() {
        return position(TransactionStore.REPLAYED);
    }

    public Lsn newestCommit() {
        return position(TransactionStore.NEWEST_COMMIT);
    }

    private Lsn position(String name) {
        Long value = read(() ->
                stores.<String, Long>get(TransactionStateTopology.POSITIONS).get(name));
        return value == null ? Lsn.INVALID : Lsn.valueOf(value);
    }

    /** Runs one read of the stores, reporting a moment in which they cannot be read as the site being unavailable. */
    private <T> T read(Supplier<T> read) {
        try {
            return stores.read(read);
        } catch (UnknownStateStoreException e) {
            // A store this topology does not have: a bug, which no retry cures.
            throw e;
        } catch (InvalidStateStoreException e) {
            throw new SiteUnavailableException(
                    "This site's transaction state is being restored or is not running yet; try again shortly.", e);
        }
    }
}
