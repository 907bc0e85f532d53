package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.kafka.SecondaryKafkaClients;
import io.opsdb.relay.site.SiteConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs {@link TransactionStateTopology} when TRANSACTION_STATE_STORE is on: the site's transactions live in
 * RocksDB stores under STATE_DIR, changelogged to the local cluster, and are rebuilt from Kafka on a restart.
 * Starts before the web server and returns only once the stores are restored, so no read sees them half-built.
 */
@Component
public class TransactionStateStreams implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionStateStreams.class);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);

    private final SiteConfiguration settings;
    private final SecondaryKafkaClients clients;
    private volatile Consumer<TrackedTransaction> entered = tx -> {};
    private volatile BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable = (record, fate) -> {};
    /** Avro's message encoders are thread-safe; building one parses every released schema (a reconciler's hot spot). */
    private static final MessageCodec<TransactionOutcome> OUTCOMES = RelayCodecs.transactionOutcomes();

    /** How often the stream thread commits its exactly-once transaction. */
    static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    private volatile KafkaStreams streams;
    /** Whether the stores hold all their changelogs hold; replaced with each start. */
    private volatile StoreReadiness readiness = new StoreReadiness();

    private volatile KafkaProducer<String, byte[]> positions;
    /** The replica's replay position as the poller last saw it (written by its one thread). */
    private volatile Lsn replayedSeen = Lsn.INVALID;

    private final TransactionStateView view = new TransactionStateView(new TransactionStateView.Stores() {
        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> get(String name) {
            return store(name);
        }

        @Override
        public <T> T read(Supplier<T> read) {
            return readiness.guard(read);
        }
    });

    public TransactionStateStreams(SiteConfiguration settings, SecondaryKafkaClients clients) {
        this.settings = settings;
        this.clients = clients;
    }

    /** True when the transactions live in the stores (TRANSACTION_STATE_STORE=true at a secondary). */
    public boolean isEnabled() {
        return settings.transactionStateStore();
    }

    /**
     * The tracker's way in: reads through the stores' view, and hands the processor (the stores' single writer) what
     * it does not read from Kafka by itself.
     */
    BufferedTransactions transactions() {
        return new BufferedTransactions() {
            @Override
            public void listen(
                    Consumer<TrackedTransaction> enteredCallback,
                    BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadableCallback) {
                entered = enteredCallback;
                unreadable = unreadableCallback;
            }

            @Override
            public TransactionStateView view() {
                return view;
            }

            @Override
            public void acknowledged(TransactionEvent.Buffered command) {
                // The processor reads every command from ops.commands, at its offset.
            }

            @Override
            public void outcome(TransactionOutcome outcome) {
                // The processor reads the mirrored outcomes itself.
            }

            @Override
            public void unreadableOutcome(UnreadableRecord record) {
                // The processor reads the same record, and sets it aside in its own exactly-once transaction.
            }

            @Override
            public void reconciled(TransactionOutcome outcome) {
                TransactionStateStreams.this.reconciled(outcome);
            }

            @Override
            public void replayedUpTo(Lsn position) {
                TransactionStateStreams.this.replayedUpTo(position);
            }

            @Override
            public void discard(String transactionId, String by) {
                TransactionStateStreams.this.discard(transactionId, by);
            }
        };
    }

    private <K, V> ReadOnlyKeyValueStore<K, V> store(String name) {
        KafkaStreams streams = this.streams;
        if (streams == null) {
            // Before start() has restored the stores, or after stop(): the view reports it as a moment's
            // unavailability.
            throw new StateStoreNotAvailableException("the transaction state stores are not running");
        }
        // Not stale stores: those include tasks whose stores are open but not restored yet. Streams then checks, at
        // each lookup, that the stream thread is RUNNING (all its tasks restored), as readiness does around the read.
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
        } catch (IllegalStateException e) {
            // What KafkaStreams.store() throws once the instance is shutting down or failed, after readiness
            // admitted the read: a moment's unavailability as well.
            throw new StateStoreNotAvailableException("the transaction state stores are not running", e);
        }
    }

    /**
     * Hands the replica's replay position to the processor (the single writer of the stores), and lets it see the
     * position at once, for the outcomes it takes in before the record.
     */
    void replayedUpTo(Lsn position) {
        if (position.compareTo(replayedSeen) > 0) {
            replayedSeen = position;
        }
        positions.send(new ProducerRecord<>(
                TransactionStateTopology.replayTopic(settings.siteName()),
                settings.siteName(),
                new LongSerializer().serialize(null, position.asLong())));
    }

    /** Hands the processor an outcome read from the replica's ledger (the outcome stream did not bring it). */
    void reconciled(TransactionOutcome outcome) {
        positions.send(new ProducerRecord<>(
                TransactionStateTopology.replayTopic(settings.siteName()),
                TransactionStateProcessor.LEDGER_OUTCOME_PREFIX + outcome.getTransactionId(),
                OUTCOMES.encode(outcome)));
    }

    /** The Idempotency-Key entry of a transaction written under one; empty when there is none (yet). */
    public Optional<IdempotencyEntry> idempotencyEntry(String transactionId) {
        return view.idempotencyEntry(transactionId);
    }

    /** Hands the first answer to an Idempotency-Key's write to the processor, which keeps it with the key. */
    public void rememberAnswer(String transactionId, IdempotencyEntry entry) {
        positions.send(new ProducerRecord<>(
                TransactionStateTopology.replayTopic(settings.siteName()),
                TransactionStateProcessor.ANSWER_PREFIX + transactionId,
                entry.encode()));
    }

    /** Asks the processor to set a FAILED transaction aside. */
    void discard(String transactionId, String by) {
        positions.send(new ProducerRecord<>(
                TransactionStateTopology.replayTopic(settings.siteName()),
                TransactionStateProcessor.DISCARD_PREFIX + transactionId,
                by.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public int getPhase() {
        // Before the web server (which starts in a late phase): nothing is served from half-restored stores.
        return Integer.MIN_VALUE + 1000;
    }

    @Override
    public synchronized void start() {
        if (!isEnabled() || streams != null) {
            return;
        }
        String site = settings.siteName();
        createReplayTopic(site);
        Map<String, Object> producer = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                settings.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.CLIENT_ID_CONFIG,
                "relay-" + site + "-replay-positions");
        positions = clients.producer(producer, new StringSerializer(), new ByteArraySerializer());

        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, TransactionStateTopology.applicationId(site));
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        config.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Path.of(settings.stateDir()).resolve(site).toAbsolutePath().toString());
        // Each broker keeps its transaction log with replication factor 1 and min ISR 1: EOS v2 works on one broker.
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // Streams' exactly-once default is 100 ms. The replay position arrives every 100 ms, so the thread committed a
        // transaction every 100 ms even when nothing else happened: a transaction marker on each of its ten output
        // partitions each time, and the observatory's broker busy with them (a quarter of a core at 100 writes/s on
        // the 2-core machine). Reads of the stores see a state change at once (they read the stores, not the
        // changelogs), so a longer commit delays nothing a client sees; dead letters reach their topic's
        // read-committed readers up to this much later, and a crash redoes up to this much work.
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, (int) COMMIT_INTERVAL.toMillis());
        // Streams' exactly-once default is 10 s: on a loaded machine a commit that took longer (a restore, an expiry
        // sweep) had the broker abort it and fence the thread, which then wiped its stores and restored them from
        // the changelogs. The process id in the state directory survives a crash, so the next start aborts an
        // open transaction itself and does not wait for this timeout.
        config.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), 60_000);
        // The three inputs are independent streams, not to be joined in time order: process whatever has
        // arrived instead of waiting to fetch the other partitions first.
        config.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        config.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDBMemory.class);
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG), 5_000);
        // A tracked transaction holds its whole command: the stores' changelogs carry records as large as the
        // largest transaction (the Streams producer's own default is 1 MiB, and a record over it stops the processor).
        config.put(
                StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
                RelayLimits.MAX_RECORD_BYTES);
        config.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), RelayLimits.MAX_RECORD_BYTES);
        config.put(
                StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
                Integer.toString(RelayLimits.MAX_RECORD_BYTES));
        StoreReadiness startedReadiness = new StoreReadiness();
        KafkaStreams started = clients.streams(
                TransactionStateTopology.build(
                        site,
                        settings.transactionStatusRetention(),
                        TransactionStateProcessor.DEFAULT_EXPIRY_CHUNK,
                        tx -> entered.accept(tx),
                        (record, fate) -> unreadable.accept(record, fate),
                        startedReadiness,
                        () -> replayedSeen),
                config);
        started.setGlobalStateRestoreListener(startedReadiness);
        started.setUncaughtExceptionHandler(e -> {
            LOG.error("Transaction state processing failed; replacing the stream thread", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        CompletableFuture<KafkaStreams.State> running = new CompletableFuture<>();
        started.setStateListener((now, before) -> {
            startedReadiness.onChange(now, before);
            if (now == KafkaStreams.State.RUNNING
                    || now == KafkaStreams.State.ERROR
                    || now == KafkaStreams.State.NOT_RUNNING) {
                running.complete(now);
            }
        });
        started.start();
        KafkaStreams.State reached;
        try {
            reached = running.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reached = started.state();
        } catch (ExecutionException | TimeoutException e) {
            reached = started.state();
        }
        if (reached != KafkaStreams.State.RUNNING) {
            clients.close(started, Duration.ofSeconds(10));
            throw new IllegalStateException(
                    "transaction state stores not running after " + START_TIMEOUT + ": " + reached);
        }
        readiness = startedReadiness;
        streams = started;
        LOG.info("Transaction state stores running in {}", config.get(StreamsConfig.STATE_DIR_CONFIG));
    }

    private void createReplayTopic(String site) {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers()))) {
            NewTopic topic = new NewTopic(TransactionStateTopology.replayTopic(site), 1, (short) 1)
                    .configs(Map.of(
                            "cleanup.policy",
                            "compact,delete",
                            "retention.ms",
                            String.valueOf(Duration.ofDays(7).toMillis())));
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "cannot create " + TransactionStateTopology.replayTopic(site), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create " + TransactionStateTopology.replayTopic(site), e);
        }
    }

    @Override
    public synchronized void stop() {
        if (streams != null) {
            clients.close(streams, Duration.ofSeconds(30));
            streams = null;
        }
        if (positions != null) {
            positions.close(Duration.ofSeconds(5));
            positions = null;
        }
    }

    @Override
    public boolean isRunning() {
        return streams != null;
    }
}
