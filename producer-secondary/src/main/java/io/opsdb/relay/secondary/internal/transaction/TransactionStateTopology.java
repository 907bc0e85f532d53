package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The Kafka Streams topology that keeps this site's transactions in persistent, changelogged state stores
 * instead of the heap: rebuilt from Kafka after a restart, and as large on disk as the backlog is.
 *
 * <p>Its inputs are the site's own {@code ops.commands} (every command it acknowledged, at its offset: the
 * site's order), the main site's outcomes as MirrorMaker 2 mirrors them, and the replica's replay positions
 * ({@link #replayTopic(String)}). One processor owns every store, so each change is a single writer's. Its one output
 * is the dead-letter topic ({@link DeadLetterTopic#name(String)}): the records among its inputs it cannot read.
 */
public final class TransactionStateTopology {

    /** Transaction id -> {@link TrackedTransaction}. */
    public static final String TRANSACTIONS = "transactions";
    /** recordId, 0, sequence, index -> operation: one record's in-flight operations in the site's order. */
    public static final String OVERLAY = "overlay";
    /** Commit LSN (unsigned, big-endian), transaction id -> nothing: APPLIED transactions waiting for the replica. */
    public static final String APPLIED_BY_LSN = "applied-by-lsn";
    /** State code ({@link TransactionState#code()}), transaction id -> nothing: listing by state in id order. */
    public static final String BY_STATE = "by-state";
    /** Replay position, newest commit and per-state counts. */
    public static final String POSITIONS = "positions";
    /** Outcomes whose command has not been processed yet; kept for the retention at most. */
    public static final String EARLY_OUTCOMES = "early-outcomes";
    /**
     * Settle time (epoch ms, big-endian), transaction id -> nothing: VISIBLE and DISCARDED ones, oldest first, to expire;
     * and each of {@link #EARLY_OUTCOMES} by when it came, so that one whose command never comes leaves too.
     */
    public static final String SETTLED_BY_TIME = "settled-by-time";

    /**
     * The changelogs' topic settings. Kafka's default segment (1 GiB) is never compacted while it is the active one,
     * so a restart after an unclean stop would replay every change ever made; smaller segments let the cleaner drop
     * the values that expired transactions' tombstones replaced, and a restore reads about what the stores hold.
     */
    static final Map<String, String> CHANGELOG_CONFIG = Map.of(
            "segment.bytes", String.valueOf(64 * 1024 * 1024),
            "segment.ms", String.valueOf(Duration.ofHours(1).toMillis()),
            "min.cleanable.dirty.ratio", "0.25");

    /**
     * Transaction id -> {@link IdempotencyEntry}: the Idempotency-Key a transaction was written under (its id is
     * derived from the key). Kept as long as the transaction's entry in {@link #TRANSACTIONS}: whatever removes that
     * removes this one by the same id.
     */
    public static final String IDEMPOTENCY_KEYS = "idempotency-keys";

    /** Header a retried command carries: who retried it. */
    public static final String HEADER_RETRIED_BY = "retried-by";

    private TransactionStateTopology() {}

    /** The application id of {@code site}'s transaction state. */
    public static String applicationId(String site) {
        return "relay-" + site + "-transactions";
    }

    /** The local topic {@code site}'s replica replay positions are produced to (key: site, value: LSN as a long). */
    public static String replayTopic(String site) {
        return "relay." + site + ".replay-lsn";
    }

    /**
     * @param site this site's name: only its own transactions' outcomes are kept
     * @param retention how long a VISIBLE or DISCARDED transaction stays in the stores after it settled
     * @param entered told of every state a transaction enters, on the stream thread, after the store holds it
     */
    public static Topology build(String site, Duration retention, Consumer<TrackedTransaction> entered) {
        return build(site, retention, entered, (record, fate) -> {});
    }

    /**
     * The same, telling {@code unreadable} of each record set aside as a dead letter (on the stream thread, after it
     * was forwarded to the dead-letter topic), with what became of the transaction it names.
     */
    public static Topology build(
            String site,
            Duration retention,
            Consumer<TrackedTransaction> entered,
            BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable) {
        return build(site, retention, TransactionStateProcessor.DEFAULT_EXPIRY_CHUNK, entered, unreadable);
    }

    /** The same, forgetting at most {@code expiryChunk} settled transactions per sweep. */
    static Topology build(String site, Duration retention, int expiryChunk, Consumer<TrackedTransaction> entered) {
        return build(site, retention, expiryChunk, entered, (record, fate) -> {});
    }

    static Topology build(
            String site,
            Duration retention,
            int expiryChunk,
            Consumer<TrackedTransaction> entered,
            BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable) {
        return build(site, retention, expiryChunk, entered, unreadable, TaskServingListener.NONE, () -> Lsn.INVALID);
    }

    /**
     * The same, telling {@code serving} when the processor starts in a task (its stores restored) and stops, and
     * giving it the replica's replay position as last polled ({@code replayedSeen}, see {@link
     * TransactionStateProcessor}).
     */
    static Topology build(
            String site,
            Duration retention,
            int expiryChunk,
            Consumer<TrackedTransaction> entered,
            BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable,
            TaskServingListener serving,
            Supplier<Lsn> replayedSeen) {
        Topology topology = new Topology();
        StringDeserializer keys = new StringDeserializer();
        ByteArrayDeserializer values = new ByteArrayDeserializer();
        topology.addSource("commands", keys, values, RelayTopics.COMMANDS);
        topology.addSource("outcomes", keys, values, RelayTopics.mirroredOutcomes(site));
        topology.addSource("replay-positions", keys, values, replayTopic(site));
        topology.addProcessor(
                "transaction-state",
                () -> new TransactionStateProcessor(
                        site, replayTopic(site), retention, expiryChunk, entered, unreadable, serving, replayedSeen),
                "commands",
                "outcomes",
                "replay-positions");
        topology.addSink(
                "dead-letters",
                DeadLetterTopic.name(site),
                new StringSerializer(),
                new ByteArraySerializer(),
                "transaction-state");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(TRANSACTIONS), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(CHANGELOG_CONFIG),
                "transaction-state");
        for (String store : new String[] {OVERLAY, APPLIED_BY_LSN, BY_STATE, SETTLED_BY_TIME}) {
            topology.addStateStore(
                    Stores.keyValueStoreBuilder(
                                    Stores.persistentKeyValueStore(store), Serdes.Bytes(), Serdes.ByteArray())
                            .withLoggingEnabled(CHANGELOG_CONFIG),
                    "transaction-state");
        }
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(POSITIONS), Serdes.String(), Serdes.Long())
                        .withLoggingEnabled(CHANGELOG_CONFIG),
                "transaction-state");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(EARLY_OUTCOMES), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(CHANGELOG_CONFIG),
                "transaction-state");
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(IDEMPOTENCY_KEYS), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(CHANGELOG_CONFIG),
                "transaction-state");
        return topology;
    }
}
