package io.opsdb.relay.app.site;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

import io.opsdb.relay.main.apply.PausingBackOff;
import io.opsdb.relay.main.ledger.LedgerState;
import io.opsdb.relay.main.ledger.RelayLedger;
import io.opsdb.relay.main.outcome.LedgerCapture;
import io.opsdb.relay.secondary.transaction.ReplicaLsnPoller;
import io.opsdb.relay.secondary.transaction.TransactionState;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;

/** What health, site info and metrics report about this site, read in one place. */
@Component
public class SiteStatus {

    /** Overall health: DEGRADED still serves (writes are accepted), DOWN does not. */
    public enum Health {
        UP, DEGRADED, DOWN
    }

    private static final String CONSUMER_METRICS = "consumer-metrics";
    private static final String CONNECTION_COUNT = "connection-count";

    /** How long a replica lag reading is reused: health checks and metric scrapes must not load the replica. */
    static final Duration REPLICA_LAG_CACHE = Duration.ofSeconds(1);

    // 0 when the replica is streaming and has replayed all it received: the timestamp of the last replayed
    // transaction says nothing then, and would grow while the primary is idle. Otherwise (the WAN or the
    // primary unreachable, or replay behind) the age of the last replayed transaction is the lag.
    private static final String REPLICA_LAG = """
            SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                             AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
                        ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
                   END::float8""";

    private final SiteConfiguration site;
    private final JdbcTemplate local;
    private final ObjectProvider<TransactionTracker> tracker;
    private final ObjectProvider<ReplicaLsnPoller> poller;
    private final ObjectProvider<LedgerCapture> capture;
    private final KafkaListenerEndpointRegistry listeners;
    private final ObjectProvider<RelayLedger> ledger;
    private final ObjectProvider<PausingBackOff> applierBackOff;
    private final Object lagLock = new Object();
    private volatile ReplicaLag lag;

    /** A replica lag reading, null seconds when it could not be read, and when it was read. */
    private record ReplicaLag(Double seconds, long readAtNanos) {
    }

    SiteStatus(SiteConfiguration site, @Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate local,
            ObjectProvider<TransactionTracker> tracker, ObjectProvider<ReplicaLsnPoller> poller,
            ObjectProvider<LedgerCapture> capture, KafkaListenerEndpointRegistry listeners,
            ObjectProvider<RelayLedger> ledger, ObjectProvider<PausingBackOff> applierBackOff) {
        this.ledger = ledger;
        this.applierBackOff = applierBackOff;
        this.site = site;
        this.local = local;
        this.tracker = tracker;
        this.poller = poller;
        this.capture = capture;
        this.listeners = listeners;
    }

    /** Buffer and replication figures (secondary) for /api/site/info and /api/buffer. */
    public Map<String, Object> figures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        TransactionTracker transactions = tracker.getIfAvailable();
        figures.put("in_flight", inFlightCount());
        figures.put("oldest_in_flight_age_seconds", oldestInFlightAgeSeconds());
        figures.put("failed", count(TransactionState.FAILED));
        figures.put("discarded", count(TransactionState.DISCARDED));
        if (transactions != null) {
            figures.put("replica_replay_lsn", transactions.replayedPosition().asString());
            figures.put("replica_lag_bytes", transactions.replicaLagBytes());
        }
        figures.put("replica_lag_seconds", replicaLagSeconds());
        return figures;
    }

    /**
     * Transactions now FAILED (waiting for an operator) or DISCARDED: this site's own at a secondary, every
     * site's in the ledger at the main site; null when the ledger cannot be read.
     */
    public Number count(TransactionState state) {
        LedgerState inLedger = switch (state) {
            case FAILED -> LedgerState.FAILED;
            case DISCARDED -> LedgerState.DISCARDED;
            default -> throw new IllegalArgumentException("only FAILED and DISCARDED transactions are counted, not " + state);
        };
        TransactionTracker transactions = tracker.getIfAvailable();
        if (transactions != null) {
            return transactions.count(state);
        }
        RelayLedger main = ledger.getIfAvailable();
        if (main == null) {
            return 0;
        }
        try {
            return main.count(inLedger);
        }
        catch (DataAccessException e) {
            return null;
        }
    }

    /** Transactions of this site not yet VISIBLE or FAILED; 0 at the main site, which buffers nothing. */
    public int inFlightCount() {
        TransactionTracker transactions = tracker.getIfAvailable();
        return transactions == null ? 0 : transactions.inFlightCount();
    }

    /** Age of the oldest transaction in flight; 0 when none is. */
    public double oldestInFlightAgeSeconds() {
        TransactionTracker transactions = tracker.getIfAvailable();
        return transactions == null ? 0.0 : seconds(transactions.oldestInFlightAge());
    }

    /** WAL bytes between the newest commit this site has heard of and its replica's replay position; 0 at the main site. */
    public long replicaLagBytes() {
        TransactionTracker transactions = tracker.getIfAvailable();
        return transactions == null ? 0L : transactions.replicaLagBytes();
    }

    /**
     * How far the replica is behind the primary in seconds: 0 while it streams and has replayed all it
     * received, else the age of the last transaction it replayed; 0 at the main site; null when the
     * replica cannot be read. Read at most once per {@link #REPLICA_LAG_CACHE}.
     */
    public Double replicaLagSeconds() {
        if (!site.isSecondarySite()) {
            return 0.0;
        }
        ReplicaLag reading = lag;
        if (reading == null || System.nanoTime() - reading.readAtNanos() >= REPLICA_LAG_CACHE.toNanos()) {
            synchronized (lagLock) {
                reading = lag;
                if (reading == null || System.nanoTime() - reading.readAtNanos() >= REPLICA_LAG_CACHE.toNanos()) {
                    reading = new ReplicaLag(queryReplicaLag(), System.nanoTime());
                    lag = reading;
                }
            }
        }
        return reading.seconds();
    }

    private Double queryReplicaLag() {
        try {
            return local.queryForObject(REPLICA_LAG, Double.class);
        }
        catch (DataAccessException e) {
            return null;
        }
    }

    /**
     * Each part this site depends on, UP or DOWN: its database and Kafka cluster at every site; the
     * applier and the outcome stream at the main site; the outcome follower and the replica at a secondary.
     */
    public Map<String, Object> components() {
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("database", databaseReachable() ? "UP" : "DOWN");
        components.put("kafka", kafkaConnected() ? "UP" : "DOWN");
        if (site.isMainSite()) {
            PausingBackOff applier = applierBackOff.getIfAvailable();
            // PAUSED: TRANSACTION_RETRY_ATTEMPTS retries failed; it tries again by itself after the pause.
            components.put("applier", applier != null && applier.isPaused() ? "PAUSED"
                    : running("command-applier") ? "UP" : "DOWN");
            LedgerCapture ledger = capture.getIfAvailable();
            components.put("outcome_stream", ledger != null && ledger.isStreaming() ? "UP" : "DOWN");
        }
        else {
            components.put("outcome_follower", running("outcome-follower") ? "UP" : "DOWN");
            ReplicaLsnPoller replica = poller.getIfAvailable();
            components.put("replica", replica != null && replica.isReplicaReachable() ? "UP" : "DOWN");
        }
        return components;
    }

    public Health health(Map<String, Object> components, Map<String, Object> figures) {
        return health(site, components, figures);
    }

    /**
     * DOWN when the site cannot do its part: at the main site any component down; at a secondary its
     * Kafka cluster (critical writes cannot be accepted) or the outcome follower. DEGRADED, still serving,
     * when any other component is down, the applier is PAUSED after its retries, in-flight transactions
     * exceed TRANSACTION_BUFFER_SIZE, or the replica lags more than REPLICA_LAG_DEGRADED_SECONDS.
     */
    static Health health(SiteConfiguration site, Map<String, Object> components, Map<String, Object> figures) {
        boolean down = site.isMainSite()
                ? components.containsValue("DOWN")
                : "DOWN".equals(components.get("kafka")) || "DOWN".equals(components.get("outcome_follower"));
        if (down) {
            return Health.DOWN;
        }
        Object lag = figures.get("replica_lag_seconds");
        boolean lagging = lag instanceof Number seconds && seconds.doubleValue() > seconds(site.replicaLagDegraded());
        boolean overfull = ((Number) figures.get("in_flight")).intValue() > site.transactionBufferSize();
        boolean impaired = components.containsValue("DOWN") || components.containsValue("PAUSED");
        return lagging || overfull || impaired ? Health.DEGRADED : Health.UP;
    }

    /**
     * True when this site's consumers are connected to its cluster. Read from the running listener
     * containers' own client metrics, so it costs no request: a consumer polls all the time and keeps its
     * connections while the cluster answers, and has none while it does not.
     */
    private boolean kafkaConnected() {
        boolean anyRunning = false;
        for (MessageListenerContainer container : listeners.getListenerContainers()) {
            if (!container.isRunning()) {
                continue;
            }
            anyRunning = true;
            for (Map<MetricName, ? extends Metric> clientMetrics : container.metrics().values()) {
                if (!connected(clientMetrics)) {
                    return false;
                }
            }
        }
        return anyRunning;
    }

    private static boolean connected(Map<MetricName, ? extends Metric> clientMetrics) {
        for (Map.Entry<MetricName, ? extends Metric> metric : clientMetrics.entrySet()) {
            if (CONNECTION_COUNT.equals(metric.getKey().name()) && CONSUMER_METRICS.equals(metric.getKey().group())) {
                return metric.getValue().metricValue() instanceof Number count && count.doubleValue() > 0;
            }
        }
        return false;
    }

    private boolean running(String listenerId) {
        MessageListenerContainer container = listeners.getListenerContainer(listenerId);
        return container != null && container.isRunning();
    }

    private boolean databaseReachable() {
        try {
            return Integer.valueOf(1).equals(local.queryForObject("SELECT 1", Integer.class));
        }
        catch (DataAccessException e) {
            return false;
        }
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
