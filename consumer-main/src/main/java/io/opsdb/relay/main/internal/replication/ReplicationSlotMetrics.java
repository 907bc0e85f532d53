package io.opsdb.relay.main.internal.replication;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opsdb.relay.site.spring.SiteBeans;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code relay_replication_slot_lag_bytes{slot_name,slot_type}}: for each replication slot on the primary (the
 * replicas' physical slots, Debezium's logical {@code relay_ledger_slot}), the WAL bytes between the primary's
 * current position and the slot's restart position, which the primary keeps on disk for it. A slot whose reader
 * stopped (a replica down, the outcome stream stalled) grows without bound and fills the primary's disk.
 *
 * <p>Read every {@link #REFRESH} on a thread of its own, not at scrape time, so a scrape never waits on the primary;
 * NaN while the primary cannot be read or the slot has no restart position.
 */
@Component
class ReplicationSlotMetrics implements MeterBinder, DisposableBean {

    static final String SLOT_LAG = "relay.replication.slot.lag";
    static final Duration REFRESH = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSlotMetrics.class);
    private static final String QUERY = "SELECT slot_name, slot_type,"
            + " pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS lag FROM pg_replication_slots";

    private final JdbcTemplate primary;
    private final Map<String, Double> lagBySlot = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "replication-slot-metrics");
        thread.setDaemon(true);
        return thread;
    });
    // Package-private for the tests, which refresh by hand.
    volatile MeterRegistry registry;

    ReplicationSlotMetrics(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary) {
        this.primary = primary;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Reads every slot's lag; a slot seen for the first time gets its gauge. */
    void refresh() {
        List<Slot> slots;
        try {
            slots = primary.query(
                    QUERY,
                    (row, n) -> new Slot(
                            row.getString("slot_name"),
                            row.getString("slot_type"),
                            row.getObject("lag") == null ? Double.NaN : row.getDouble("lag")));
        } catch (DataAccessException e) {
            // Transient: the primary is down or restarting; the next refresh reads it again.
            LOG.debug("Cannot read the replication slots: {}", e.getMessage());
            lagBySlot.replaceAll((slot, lag) -> Double.NaN);
            return;
        }
        lagBySlot.keySet().retainAll(slots.stream().map(Slot::name).toList());
        for (Slot slot : slots) {
            if (lagBySlot.put(slot.name(), slot.lagBytes()) == null) {
                Gauge.builder(SLOT_LAG, () -> lagBySlot.getOrDefault(slot.name(), Double.NaN))
                        .baseUnit("bytes")
                        .description("WAL the primary keeps for the replication slot: from its current position to"
                                + " the slot's restart position")
                        .tag("slot_name", slot.name())
                        .tag("slot_type", slot.type())
                        .register(registry);
            }
        }
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }

    private record Slot(String name, String type, double lagBytes) {}
}
