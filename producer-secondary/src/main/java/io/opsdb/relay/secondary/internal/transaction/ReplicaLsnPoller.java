package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Reads how far this site's replica has replayed the main site's WAL, every LSN_CHECK_INTERVAL, and
 * moves the transactions whose commits it has passed to VISIBLE; and, every {@link LedgerReconciler#INTERVAL}, its
 * ledger for transactions whose outcome is overdue.
 */
@Component
public class ReplicaLsnPoller implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLsnPoller.class);

    // On a database that is not a standby (a site without a replica of its own) the current WAL
    // position plays the same role.
    private static final String REPLAYED = """
            SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text""";

    private final JdbcTemplate replica;
    private final TransactionTracker tracker;
    private final SiteConfiguration settings;
    private final LedgerReconciler reconciler;
    /** How long after a transaction became APPLIED the replica is asked: the replay of a commit takes a moment. */
    static final Duration SOON = Duration.ofMillis(5);

    private volatile boolean reachable = true;
    private volatile ScheduledExecutorService scheduler;
    private final AtomicBoolean pollAsked = new AtomicBoolean();

    ReplicaLsnPoller(
            @Qualifier(SiteBeans.LOCAL + "Jdbc") JdbcTemplate replica,
            TransactionTracker tracker,
            SiteConfiguration settings) {
        this.replica = replica;
        this.tracker = tracker;
        this.settings = settings;
        this.reconciler = new LedgerReconciler(replica, tracker, settings.siteName());
        // The replica has the commit by the time its outcome got here through two MirrorMaker 2 hops, as a rule: look
        // then, not up to LSN_CHECK_INTERVAL later (half the ack-to-VISIBLE time at 20 writes/s was that wait).
        tracker.addListener(tx -> {
            if (tx.state() == TransactionState.APPLIED) {
                pollSoon();
            }
        });
    }

    /**
     * Polls {@link #SOON} from now, besides every LSN_CHECK_INTERVAL: a transaction has just become APPLIED. At most
     * one such poll waits at a time, so a burst of outcomes costs one query.
     */
    void pollSoon() {
        ScheduledExecutorService running = scheduler;
        if (running == null || !pollAsked.compareAndSet(false, true)) {
            return;
        }
        try {
            running.schedule(
                    () -> {
                        pollAsked.set(false);
                        poll();
                    },
                    SOON.toNanos(),
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Stopping: the next start polls at once anyway.
            pollAsked.set(false);
        }
    }

    @Override
    public synchronized void start() {
        if (!settings.lsnTrackingEnabled()) {
            LOG.warn("LSN_TRACKING_ENABLED=false: transactions stay APPLIED and are never reported VISIBLE");
            return;
        }
        // Two threads: a slow ledger look must not hold the replay position (and so visibility) back.
        scheduler = Executors.newScheduledThreadPool(2, r -> new Thread(r, "replica-lsn-poller"));
        long interval = settings.lsnCheckInterval().toNanos();
        scheduler.scheduleWithFixedDelay(this::poll, 0, interval, TimeUnit.NANOSECONDS);
        long reconcile = LedgerReconciler.INTERVAL.toNanos();
        scheduler.scheduleWithFixedDelay(reconciler::pass, reconcile, reconcile, TimeUnit.NANOSECONDS);
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /** False while the replica's replay position cannot be read. */
    public boolean isReplicaReachable() {
        return reachable;
    }

    void poll() {
        try {
            String position = replica.queryForObject(REPLAYED, String.class);
            if (position != null) {
                tracker.replayedUpTo(Lsn.valueOf(position));
            }
            if (!reachable) {
                LOG.info("Replica reachable again");
                reachable = true;
            }
        } catch (DataAccessException e) {
            // Transient: the replica is down or restarting; transactions wait in APPLIED meanwhile.
            if (reachable) {
                LOG.warn("Cannot read the replica's replay position: {}", e.getMessage());
                reachable = false;
            }
        } catch (RuntimeException e) {
            // Anything else must not end the schedule: a poller that stops would leave everything APPLIED.
            LOG.error("Reading the replica's replay position failed", e);
        }
    }
}
