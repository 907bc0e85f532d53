package io.opsdb.relay.secondary.internal.transaction;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A key-value store on the heap, sorted by key as RocksDB sorts the same keys' bytes (for {@code Bytes} keys:
 * unsigned, byte by byte), so {@link TransactionStore} works on it exactly as on the state stores: the tracker's
 * transactions with TRANSACTION_STATE_STORE off, and a secondary's direct writes. Safe for one writer and any number
 * of readers; what a reader sees of a change in progress is what a reader of the RocksDB stores would.
 *
 * <p>With a capacity, the oldest entries leave first once it is exceeded (the outcomes that outran their command:
 * most of them belong to transactions this process never acknowledged, as after a restart).
 */
final class HeapKeyValueStore<K extends Comparable<K>, V> implements KeyValueStore<K, V> {

    private final String name;
    private final Serde<K> keys;
    private final NavigableMap<K, V> entries = new ConcurrentSkipListMap<>();
    /** Insertion order, for the capacity; null without one. */
    private final Map<K, Boolean> insertionOrder;

    HeapKeyValueStore(String name, Serde<K> keys) {
        this(name, keys, 0);
    }

    /** @param capacity the most entries kept, oldest dropped first; 0 for no limit */
    HeapKeyValueStore(String name, Serde<K> keys, int capacity) {
        this.name = name;
        this.keys = keys;
        this.insertionOrder = capacity <= 0
                ? null
                : new LinkedHashMap<>(16, 0.75f, false) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<K, Boolean> eldest) {
                        boolean full = size() > capacity;
                        if (full) {
                            entries.remove(eldest.getKey());
                        }
                        return full;
                    }
                };
    }

    @Override
    public V get(K key) {
        return entries.get(key);
    }

    @Override
    public void put(K key, V value) {
        if (value == null) {
            delete(key);
            return;
        }
        entries.put(key, value);
        if (insertionOrder != null) {
            synchronized (insertionOrder) {
                insertionOrder.put(key, Boolean.TRUE);
            }
        }
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V existing = entries.get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> all) {
        all.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public V delete(K key) {
        if (insertionOrder != null) {
            synchronized (insertionOrder) {
                insertionOrder.remove(key);
            }
        }
        return entries.remove(key);
    }

    /** From {@code from} to {@code to}, both included; a null bound is open. */
    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        if (from != null && to != null && from.compareTo(to) > 0) {
            return iterator(List.<Map.Entry<K, V>>of().iterator());
        }
        NavigableMap<K, V> range = from == null ? entries : entries.tailMap(from, true);
        return iterator(
                (to == null ? range : range.headMap(to, true)).entrySet().iterator());
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return iterator(entries.entrySet().iterator());
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixSerializer) {
        byte[] start = prefixSerializer.serialize(name, prefix);
        K from = keys.deserializer().deserialize(name, start);
        Iterator<Map.Entry<K, V>> tail = entries.tailMap(from, true).entrySet().iterator();
        return iterator(new Iterator<>() {
            private Map.Entry<K, V> next = advance();

            private Map.Entry<K, V> advance() {
                if (!tail.hasNext()) {
                    return null;
                }
                Map.Entry<K, V> candidate = tail.next();
                byte[] key = keys.serializer().serialize(name, candidate.getKey());
                return key.length >= start.length && Arrays.equals(key, 0, start.length, start, 0, start.length)
                        ? candidate
                        : null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Map.Entry<K, V> next() {
                Map.Entry<K, V> current = next;
                if (current == null) {
                    throw new NoSuchElementException();
                }
                next = advance();
                return current;
            }
        });
    }

    @Override
    public long approximateNumEntries() {
        return entries.size();
    }

    private static <K, V> KeyValueIterator<K, V> iterator(Iterator<Map.Entry<K, V>> entries) {
        return new KeyValueIterator<>() {
            private Map.Entry<K, V> peeked;

            @Override
            public boolean hasNext() {
                return peeked != null || entries.hasNext();
            }

            @Override
            public KeyValue<K, V> next() {
                Map.Entry<K, V> entry = peeked != null ? peeked : entries.next();
                peeked = null;
                return KeyValue.pair(entry.getKey(), entry.getValue());
            }

            @Override
            public K peekNextKey() {
                if (peeked == null) {
                    peeked = entries.next();
                }
                return peeked.getKey();
            }

            @Override
            public void close() {
                // Nothing is held open.
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        // Never registered with Kafka Streams: nothing to initialise.
    }

    @Override
    public void flush() {
        // Nothing to write back.
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return true;
    }
}
