package io.opsdb.relay.app.site;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

import io.opsdb.relay.main.outcome.LedgerCapture;
import io.opsdb.relay.secondary.transaction.ReplicaLsnPoller;
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

    private final SiteConfiguration site;
    private final JdbcTemplate local;
    private final ObjectProvider<TransactionTracker> tracker;
    private final ObjectProvider<ReplicaLsnPoller> poller;
    private final ObjectProvider<LedgerCapture> capture;
    private final KafkaListenerEndpointRegistry listeners;

    SiteStatus(SiteConfiguration site, @Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate local,
            ObjectProvider<TransactionTracker> tracker, ObjectProvider<ReplicaLsnPoller> poller,
            ObjectProvider<LedgerCapture> capture, KafkaListenerEndpointRegistry listeners) {
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
        figures.put("in_flight", transactions == null ? 0 : transactions.inFlightCount());
        figures.put("oldest_in_flight_age_seconds", transactions == null ? 0.0 : seconds(transactions.oldestInFlightAge()));
        figures.put("failed", transactions == null ? 0 : transactions.failedCount());
        if (transactions != null) {
            figures.put("replica_replay_lsn", transactions.replayedPosition().asString());
            figures.put("replica_lag_bytes", transactions.replicaLagBytes());
        }
        Double lag = replicaLagSeconds();
        figures.put("replica_lag_seconds", lag);
        return figures;
    }

    /** Seconds since the last transaction the replica replayed committed at the primary; null when unknown or not a replica. */
    public Double replicaLagSeconds() {
        if (!site.isSecondarySite()) {
            return 0.0;
        }
        try {
            return local.queryForObject("""
                    SELECT CASE WHEN pg_is_in_recovery()
                                THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
                                ELSE 0 END""", Double.class);
        }
        catch (DataAccessException e) {
            return null;
        }
    }

    public Map<String, Object> components() {
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("database", databaseReachable() ? "UP" : "DOWN");
        if (site.isMainSite()) {
            components.put("applier", running("command-applier") ? "UP" : "DOWN");
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
        boolean down = site.isMainSite()
                ? components.containsValue("DOWN")
                : "DOWN".equals(components.get("outcome_follower"));
        if (down) {
            return Health.DOWN;
        }
        Object lag = figures.get("replica_lag_seconds");
        boolean lagging = lag instanceof Double seconds && seconds > seconds(site.replicaLagDegraded());
        boolean overfull = ((Number) figures.get("in_flight")).intValue() > site.transactionBufferSize();
        return lagging || overfull || components.containsValue("DOWN") ? Health.DEGRADED : Health.UP;
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
