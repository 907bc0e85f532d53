package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Where the store's scans of its two time-ordered indexes start. A deleted key stays in RocksDB as a tombstone until a
 * compaction drops it, and a scan from an index's first key walks every one: with a million settled, the expiry's
 * sweeps and the replay position's updates spent the stream thread's time walking tombstones. So each scan starts past
 * what earlier ones took away, and nothing due is skipped for it.
 */
class TransactionStoreIndexScanTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Instant START = Instant.parse("2026-11-30T00:00:00Z");

    private final Map<String, KeyValueStore<?, ?>> stores = new HashMap<>();
    private final List<Bytes> settledScansFrom = new ArrayList<>();
    private final List<Bytes> appliedScansFrom = new ArrayList<>();
    private Instant now = START;
    private final TransactionStore store;

    TransactionStoreIndexScanTest() {
        for (String name :
                new String[] {TransactionStateTopology.TRANSACTIONS, TransactionStateTopology.IDEMPOTENCY_KEYS}) {
            stores.put(name, new HeapKeyValueStore<>(name, Serdes.String()));
        }
        stores.put(TransactionStateTopology.OVERLAY, bytes(TransactionStateTopology.OVERLAY, null));
        stores.put(TransactionStateTopology.BY_STATE, bytes(TransactionStateTopology.BY_STATE, null));
        stores.put(
                TransactionStateTopology.APPLIED_BY_LSN,
                bytes(TransactionStateTopology.APPLIED_BY_LSN, appliedScansFrom));
        stores.put(
                TransactionStateTopology.SETTLED_BY_TIME,
                bytes(TransactionStateTopology.SETTLED_BY_TIME, settledScansFrom));
        stores.put(
                TransactionStateTopology.POSITIONS,
                new HeapKeyValueStore<String, Long>(TransactionStateTopology.POSITIONS, Serdes.String()));
        stores.put(
                TransactionStateTopology.EARLY_OUTCOMES,
                new HeapKeyValueStore<String, byte[]>(TransactionStateTopology.EARLY_OUTCOMES, Serdes.String()));
        store = new TransactionStore("observatory", this::store, () -> now, tx -> {});
    }

    @Test
    void eachReplayedPositionScansTheLsnIndexFromAboveThePreviousOne() {
        appliedDirectly("t1", "1/10");
        appliedDirectly("t2", "1/20");
        appliedDirectly("t3", "1/30");

        store.replayedUpTo(Lsn.valueOf("1/15"));
        store.replayedUpTo(Lsn.valueOf("1/25"));
        store.replayedUpTo(Lsn.valueOf("1/35"));

        assertThat(appliedScansFrom)
                .containsExactly(
                        null,
                        TransactionStore.lsnUpTo(Lsn.valueOf("1/15")),
                        TransactionStore.lsnUpTo(Lsn.valueOf("1/25")));
        assertThat(List.of("t1", "t2", "t3"))
                .allSatisfy(id -> assertThat(store.find(id).state()).isEqualTo(TransactionState.VISIBLE));
        assertThat(store.settleReplayed(100)).as("nothing due").isFalse();
        assertThat(appliedScansFrom).as("and nothing read for it").hasSize(3);
    }

    /** A replica far behind leaves many APPLIED: one replay record settles a chunk, later calls the rest, in order. */
    @Test
    void aReplayedPositionSettlesAChunkAndTheNextCallsTheRest() {
        for (int i = 0; i < 5; i++) {
            appliedDirectly("t" + i, "1/" + (10 + i));
        }
        appliedDirectly("later", "2/0");

        store.replayedUpTo(Lsn.valueOf("1/20"), 2);
        assertThat(states("t0", "t1", "t2", "t3", "t4", "later"))
                .containsExactly("VISIBLE", "VISIBLE", "APPLIED", "APPLIED", "APPLIED", "APPLIED");
        assertThat(store.settleReplayed(2)).as("a full chunk: more may be due").isTrue();
        assertThat(store.settleReplayed(2)).as("the last one due").isFalse();
        assertThat(states("t0", "t1", "t2", "t3", "t4", "later"))
                .containsExactly("VISIBLE", "VISIBLE", "VISIBLE", "VISIBLE", "VISIBLE", "APPLIED");
        assertThat(appliedScansFrom.get(1))
                .as("the second chunk from the first one's last key")
                .isEqualTo(TransactionStore.lsnKey(Lsn.valueOf("1/11"), "t1"));

        store.replayedUpTo(Lsn.valueOf("2/0"), 2);
        assertThat(store.find("later").state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(store.settleReplayed(2)).isFalse();
    }

    private List<String> states(String... ids) {
        List<String> states = new ArrayList<>();
        for (String id : ids) {
            states.add(store.find(id).state().name());
        }
        return states;
    }

    @Test
    void aSweepStartsWhereTheLastOneEndedAndAFullChunkIsFinishedByTheNext() {
        for (int i = 0; i < 5; i++) {
            visible("t" + i, "1/" + (10 + i));
        }

        now = START.plus(RETENTION).plusSeconds(1);
        store.expireSettled(now.toEpochMilli(), RETENTION, 3);
        assertThat(settledTransactions()).hasSize(2);
        store.expireSettled(now.toEpochMilli(), RETENTION, 3);
        assertThat(settledTransactions()).isEmpty();
        store.expireSettled(now.plusSeconds(1).toEpochMilli(), RETENTION, 3);

        long bound = now.minus(RETENTION).toEpochMilli();
        assertThat(settledScansFrom).hasSize(3);
        assertThat(settledScansFrom.get(0))
                .as("the first sweep after an opening")
                .isNull();
        assertThat(settledScansFrom.get(1))
                .as("after a full chunk: its last key")
                .isEqualTo(TransactionStore.settledKey(START.toEpochMilli(), "t2"));
        assertThat(settledScansFrom.get(2))
                .as("after a sweep that took all that was due: its bound")
                .isEqualTo(TransactionStore.settledKeyUpTo(bound));
    }

    @Test
    void aTransactionSettledAtATimeBelowTheLastSweepsBoundStillLeaves() {
        visible("early", "1/10");
        now = START.plus(RETENTION).plusSeconds(10);
        store.expireSettled(now.toEpochMilli(), RETENTION, 100);
        assertThat(store.find("early")).isNull();

        // The clock steps back (an NTP correction) by more than the time since that sweep's bound.
        now = START.plusSeconds(5);
        visible("late", "1/20");
        now = START.plus(RETENTION).plusSeconds(20);
        store.expireSettled(now.toEpochMilli(), RETENTION, 100);

        assertThat(store.find("late")).isNull();
        assertThat(settledTransactions()).isEmpty();
    }

    private void appliedDirectly(String id, String lsn) {
        store.appliedDirectly(new AppliedDirectly(id, List.of(), Lsn.valueOf(lsn), now));
    }

    private void visible(String id, String lsn) {
        appliedDirectly(id, lsn);
        store.replayedUpTo(Lsn.valueOf(lsn));
        assertThat(store.find(id).state()).isEqualTo(TransactionState.VISIBLE);
    }

    private List<Bytes> settledTransactions() {
        List<Bytes> keys = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = this.<Bytes, byte[]>store(TransactionStateTopology.SETTLED_BY_TIME)
                .all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private <K, V> KeyValueStore<K, V> store(String name) {
        return (KeyValueStore<K, V>) stores.get(name);
    }

    /** A heap store whose range scans note where they start (when {@code scansFrom} is given). */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Bytes, byte[]> bytes(String name, List<Bytes> scansFrom) {
        KeyValueStore<Bytes, byte[]> heap = new HeapKeyValueStore<>(name, Serdes.Bytes());
        return (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(
                KeyValueStore.class.getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (scansFrom != null && method.getName().equals("range") && args.length == 2) {
                        scansFrom.add((Bytes) args[0]);
                    }
                    try {
                        return method.invoke(heap, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
