package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions on the heap: {@link TransactionStore} on {@link HeapKeyValueStore}s, applying each input at once on the
 * caller's thread. It holds the buffered transactions with TRANSACTION_STATE_STORE off (lost on a restart), and a
 * secondary's direct writes in either mode (they are in the primary already; only their visibility is tracked). Like
 * the heap tracker before the state stores, nothing here expires.
 */
final class HeapTransactions implements BufferedTransactions {

    /** Outcomes that outran the acknowledgement of their command; the oldest leave first beyond this. */
    static final int EARLY_OUTCOMES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(HeapTransactions.class);

    private final Map<String, KeyValueStore<?, ?>> stores = new HashMap<>();
    private final TransactionStore store;
    private final TransactionStateView view;
    private final Consumer<UnreadableRecord> deadLetters;
    private volatile Consumer<TrackedTransaction> entered = tx -> {};
    private volatile BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable = (record, fate) -> {};

    /**
     * @param site this site's name (null: every site's outcomes are taken, for trackers made in tests)
     * @param deadLetters sets an unreadable record aside; throws when it cannot
     */
    HeapTransactions(String site, Clock clock, Consumer<UnreadableRecord> deadLetters) {
        this.deadLetters = deadLetters;
        for (String name :
                new String[] {TransactionStateTopology.TRANSACTIONS, TransactionStateTopology.IDEMPOTENCY_KEYS}) {
            stores.put(name, new HeapKeyValueStore<>(name, Serdes.String()));
        }
        for (String name : new String[] {
            TransactionStateTopology.OVERLAY,
            TransactionStateTopology.APPLIED_BY_LSN,
            TransactionStateTopology.BY_STATE,
            TransactionStateTopology.SETTLED_BY_TIME
        }) {
            stores.put(name, new HeapKeyValueStore<>(name, Serdes.Bytes()));
        }
        stores.put(
                TransactionStateTopology.POSITIONS,
                new HeapKeyValueStore<String, Long>(TransactionStateTopology.POSITIONS, Serdes.String()));
        stores.put(
                TransactionStateTopology.EARLY_OUTCOMES,
                new HeapKeyValueStore<String, byte[]>(
                        TransactionStateTopology.EARLY_OUTCOMES, Serdes.String(), EARLY_OUTCOMES));
        store = new TransactionStore(site, this::store, clock::instant, tx -> entered.accept(tx));
        view = new TransactionStateView(this::store);
    }

    @SuppressWarnings("unchecked")
    private <K, V> KeyValueStore<K, V> store(String name) {
        return (KeyValueStore<K, V>) stores.get(name);
    }

    @Override
    public void listen(
            Consumer<TrackedTransaction> entered, BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable) {
        this.entered = entered;
        this.unreadable = unreadable;
    }

    @Override
    public TransactionStateView view() {
        return view;
    }

    @Override
    public synchronized void acknowledged(Buffered command) {
        store.buffered(command, null);
    }

    /** A transaction this site wrote straight to the primary. */
    synchronized void appliedDirectly(AppliedDirectly write) {
        store.appliedDirectly(write);
    }

    @Override
    public synchronized void outcome(TransactionOutcome outcome) {
        store.outcome(outcome);
    }

    @Override
    public synchronized void unreadableOutcome(UnreadableRecord record) {
        // Set aside first: if that fails nothing has changed, and the record is delivered again.
        deadLetters.accept(record);
        UnreadableRecord.Fate fate = store.unreadable(record);
        LOG.error(
                "Unreadable record {}-{}@{} (transaction {}, {}) set aside: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                record.transactionId() == null ? "unknown" : record.transactionId(),
                fate.label(),
                record.reason());
        unreadable.accept(record, fate);
    }

    @Override
    public void reconciled(TransactionOutcome outcome) {
        // Taken as the stream's outcome would be: whichever comes first wins.
        outcome(outcome);
    }

    @Override
    public synchronized void replayedUpTo(Lsn position) {
        store.replayedUpTo(position);
    }

    @Override
    public synchronized void discard(String transactionId, String by) {
        store.discard(transactionId, by);
    }
}
