package io.opsdb.relay.secondary.internal.transaction;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.AbstractEventListener;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompactRangeOptions.BottommostLevelCompaction;
import org.rocksdb.FlushJobInfo;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.TableProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a store's disk space back once a sweep has deleted much of it and stopped: what RocksDB's compact-on-deletion
 * collector would do, which Kafka Streams' options adapter cannot pass on.
 *
 * <p>A deleted key stays on disk as a tombstone, beside the value it deletes, until a compaction brings both to the
 * last level, and its tombstone may wait in a memtable first. After the retention removed a million settled
 * transactions, level compaction had nothing left to do (the stores had shrunk, no level was over its size): about 30
 * MiB of tombstones and dead values stayed until the hourly periodic compaction, and 20,000 left 16 MiB. So every
 * {@link #CHECK_INTERVAL} this counts the store's deletions since its last compaction here (in flushed files, and in
 * its memtables), and compacts it, memtables first, when they are many ({@link #MIN_DELETIONS}, and at least {@link
 * #MIN_DELETED_SHARE} of its keys) and none came since the previous look: a sweep of many flushes costs one
 * compaction, and a site that keeps writing is left to level compaction.
 *
 * <p>The database handle comes with the store's first flush in this process (RocksJava gives it to listeners only);
 * a store that never flushed keeps its deletions in memory, where they cost no disk. Checks and compactions run on a
 * timer thread of their own, never on the stream thread or in RocksDB's callback, and touch the database only under
 * this object's lock, which {@link #stop()} takes after cancelling a running compaction: Kafka Streams closes the
 * config setter, which stops this, before it closes the database.
 */
final class DeletedSpaceReclaimer extends AbstractEventListener {

    private static final Logger LOG = LoggerFactory.getLogger(DeletedSpaceReclaimer.class);

    static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Fewer deletions than this are not worth a compaction: later ones, or the periodic compaction, take them. */
    static final long MIN_DELETIONS = 1_000;
    /** Deletions as a share of the store's keys: a large store losing its oldest few is left to level compaction. */
    static final double MIN_DELETED_SHARE = 0.25;

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rocksdb-deleted-space");
        thread.setDaemon(true);
        return thread;
    });

    private final String storeName;
    private final ScheduledFuture<?> checks;
    /** Deletions in the files flushed since the last compaction here: added to on RocksDB's flush thread. */
    private final AtomicLong flushedDeletions = new AtomicLong();

    private volatile RocksDB db;
    // Read without the lock by stop(), to cancel a compaction that holds it.
    private volatile CompactRangeOptions running;

    // Guarded by this.
    private boolean stopped;
    private long deletionsAtLastCheck = -1;
    private long compactions;

    DeletedSpaceReclaimer(String storeName) {
        this(storeName, CHECK_INTERVAL);
    }

    DeletedSpaceReclaimer(String storeName, Duration interval) {
        super(EnabledEventCallback.ON_FLUSH_COMPLETED);
        this.storeName = storeName;
        this.checks = TIMER.scheduleWithFixedDelay(
                this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    static long deletions(TableProperties file) {
        return file.getNumDeletions() + file.getNumRangeDeletions();
    }

    static boolean worthCompacting(long deletions, long liveKeys) {
        return deletions >= MIN_DELETIONS && deletions >= MIN_DELETED_SHARE * (deletions + Math.max(0, liveKeys));
    }

    @Override
    public void onFlushCompleted(RocksDB db, FlushJobInfo flush) {
        // No lock here: a compaction holding it waits for this very flush.
        this.db = db;
        flushedDeletions.addAndGet(deletions(flush.getTableProperties()));
    }

    private synchronized void check() {
        RocksDB store = db;
        if (stopped || store == null) {
            return;
        }
        try {
            long deletions = flushedDeletions.get()
                    + store.getLongProperty("rocksdb.num-deletes-active-mem-table")
                    + store.getLongProperty("rocksdb.num-deletes-imm-mem-tables");
            boolean quiet = deletions == deletionsAtLastCheck;
            deletionsAtLastCheck = deletions;
            if (quiet && worthCompacting(deletions, store.getLongProperty("rocksdb.estimate-num-keys"))) {
                compact(store, deletions);
            }
        } catch (RocksDBException e) {
            // Transient at worst: the next check, or the periodic compaction, gives the space back.
            LOG.warn("Store {}: compaction after deletions stopped: {}", storeName, e.getMessage());
        }
    }

    private void compact(RocksDB store, long deletions) throws RocksDBException {
        long started = System.nanoTime();
        try (CompactRangeOptions options = new CompactRangeOptions()
                .setExclusiveManualCompaction(false)
                .setBottommostLevelCompaction(BottommostLevelCompaction.kForceOptimized)) {
            running = options;
            store.compactRange(store.getDefaultColumnFamily(), null, null, options);
        } finally {
            running = null;
        }
        compactions++;
        flushedDeletions.set(0);
        deletionsAtLastCheck = -1;
        LOG.info(
                "Store {}: compacted after {} deletions, in {} ms",
                storeName,
                deletions,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    synchronized long compactions() {
        return compactions;
    }

    boolean checking() {
        return !checks.isDone();
    }

    /**
     * Called before the store's database closes; after it, nothing here touches the database. The native listener is
     * not disposed: the database may still flush, and call it, while it closes.
     */
    void stop() {
        checks.cancel(false);
        CompactRangeOptions compaction = running;
        if (compaction != null) {
            compaction.setCanceled(true);
        }
        synchronized (this) {
            stopped = true;
            db = null;
        }
    }
}
