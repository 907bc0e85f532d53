package io.opsdb.relay.main.internal.outcome;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.opsdb.relay.main.internal.apply.SiteAppliers;
import io.opsdb.relay.main.internal.kafka.MainKafkaClients;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.site.Database;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.SslMode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Debezium, embedded, reading the primary's WAL through a pgoutput slot limited to the ledger: every
 * ledger row becomes a {@link TransactionOutcome} with the commit LSN of the transaction that wrote it,
 * published to its site's {@code ops.outcomes.<site>}.
 *
 * <p>The replication slot is the stream's position: it is created before the applier starts, so no
 * ledger row can be written before the WAL is kept for it, and Debezium confirms a position to it only
 * after the outcomes up to there are acknowledged by Kafka. After a crash Debezium resumes at the slot's
 * confirmed position and may publish some outcomes again, which secondaries take idempotently.
 */
@Component
public class LedgerCapture implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerCapture.class);
    static final String LEDGER_TABLE = "relay_ledger";

    /** The logical replication slot the outcome stream reads. */
    static final String SLOT = "relay_ledger_slot";
    /** The publication limited to the ledger and heartbeat tables (created by migration V2). */
    static final String PUBLICATION = "relay_ledger_publication";
    /** How often Debezium writes a heartbeat so an idle database never stalls the slot. */
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    static final Duration RESTART_MAX_DELAY = Duration.ofMinutes(1);

    private final SiteConfiguration settings;
    private final KafkaProperties kafka;
    private final MainKafkaClients clients;
    private final JdbcTemplate jdbc;
    private final SiteAppliers appliers;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "ledger-capture"));

    private volatile boolean running;
    private volatile boolean streaming;
    private volatile DebeziumEngine<ChangeEvent<SourceRecord, SourceRecord>> engine;
    private OutcomePublisher publisher;

    /** Takes the migrated schema: the publication and the ledger must exist before the slot is read. */
    public LedgerCapture(
            SiteConfiguration settings,
            KafkaProperties kafka,
            MainKafkaClients clients,
            JdbcTemplate jdbc,
            SiteAppliers appliers,
            Flyway migratedSchema) {
        this.settings = settings;
        this.kafka = kafka;
        this.clients = clients;
        this.jdbc = jdbc;
        this.appliers = appliers;
    }

    @Override
    public void start() {
        ensureSlot();
        Map<String, Object> producerConfig = new HashMap<>(kafka.buildProducerProperties());
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        Map<String, Object> adminConfig = new HashMap<>(kafka.buildAdminProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "relay-outcome-topics");
        publisher = new OutcomePublisher(clients, producerConfig, adminConfig);
        running = true;
        executor.execute(this::superviseEngine);
        // Only now may commands be applied: the slot keeps the WAL of every ledger row from here on.
        appliers.start();
    }

    /** True while Debezium streams the ledger. */
    public boolean isStreaming() {
        return streaming;
    }

    private void ensureSlot() {
        Integer exists = jdbc.queryForObject(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?", Integer.class, SLOT);
        if (exists == null || exists == 0) {
            jdbc.queryForObject(
                    "SELECT lsn::text FROM pg_create_logical_replication_slot(?, 'pgoutput')", String.class, SLOT);
            LOG.info("Created replication slot {}", SLOT);
        }
    }

    private void superviseEngine() {
        Duration backOff = settings.transactionRetryDelay();
        while (running) {
            LedgerOutcomeAssembler assembler = new LedgerOutcomeAssembler(LEDGER_TABLE);
            engine = DebeziumEngine.create(Connect.class)
                    .using(engineProperties())
                    .notifying((records, committer) -> publish(assembler, records, committer))
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            streaming = true;
                            LOG.info("Streaming ledger changes from slot {}", SLOT);
                        }

                        @Override
                        public void taskStopped() {
                            streaming = false;
                        }
                    })
                    .using((success, message, error) -> {
                        streaming = false;
                        if (!success && running) {
                            LOG.error("Ledger capture stopped: {}", message, error);
                        }
                    })
                    .build();
            engine.run();
            if (running) {
                // Transient: the primary or Kafka went away. The slot holds our place meanwhile.
                LOG.warn("Ledger capture ended; restarting in {}", backOff);
                sleep(backOff);
                backOff = backOff.multipliedBy(2).compareTo(RESTART_MAX_DELAY) > 0
                        ? RESTART_MAX_DELAY
                        : backOff.multipliedBy(2);
            }
        }
    }

    private void publish(
            LedgerOutcomeAssembler assembler,
            List<ChangeEvent<SourceRecord, SourceRecord>> records,
            DebeziumEngine.RecordCommitter<ChangeEvent<SourceRecord, SourceRecord>> committer)
            throws InterruptedException {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        int confirmable = -1;
        for (int i = 0; i < records.size(); i++) {
            for (TransactionOutcome outcome : assembler.accept(records.get(i).value())) {
                sends.add(publisher.publish(outcome));
            }
            if (!assembler.hasPending()) {
                confirmable = i;
            }
        }
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                // Nothing is confirmed: the engine stops, and restarts from the slot's confirmed position.
                throw new IllegalStateException(
                        "cannot publish outcome: " + e.getCause().getMessage(), e.getCause());
            }
        }
        // Confirm only up to the last record after which no transaction is half-read: a restart must see a
        // transaction's ledger rows again if it has not seen their END.
        for (int i = 0; i <= confirmable; i++) {
            committer.markProcessed(records.get(i));
        }
        committer.markBatchFinished();
    }

    private Properties engineProperties() {
        Database db = settings.mainDb();
        Properties p = new Properties();
        p.setProperty("name", "relay-ledger-capture");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // The slot is the durable position; offsets need no store of their own.
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", db.password() == null ? "" : db.password());
        p.setProperty("database.dbname", db.name());
        // The same TLS as the application's own connections to the primary (MAIN_DB_SSLMODE, MAIN_DB_SSLROOTCERT).
        if (db.sslMode() != SslMode.PREFER) {
            p.setProperty("database.sslmode", db.sslMode().value());
        }
        if (!db.sslRootCert().isEmpty()) {
            p.setProperty("database.sslrootcert", db.sslRootCert());
        }
        p.setProperty("topic.prefix", "relay");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", SLOT);
        p.setProperty("publication.name", PUBLICATION);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", "public." + LEDGER_TABLE + ",public.relay_heartbeat");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("heartbeat.interval.ms", Long.toString(HEARTBEAT_INTERVAL.toMillis()));
        p.setProperty("heartbeat.action.query", "UPDATE relay_heartbeat SET beat_at = now() WHERE id = 1");
        p.setProperty("poll.interval.ms", "20");
        p.setProperty("max.batch.size", "2048");
        p.setProperty("status.update.interval.ms", "1000");
        return p;
    }

    private static void sleep(Duration duration) {
        try {
            TimeUnit.MILLISECONDS.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        appliers.stop();
        DebeziumEngine<?> current = engine;
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing Debezium failed", e);
        }
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (publisher != null) {
            publisher.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // Before the web server (so /health is truthful once it answers); each site's applier is
        // started from here, after the slot exists.
        return Integer.MAX_VALUE - 200;
    }
}
