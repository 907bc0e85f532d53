package io.opsdb.relay.secondary.internal.transaction;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.CompactionStyle;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for every RocksDB store of the transaction state, as Kafka Streams' "bounded memory" recipe
 * has it: a block cache shared by all stores, with index and filter blocks and the memtables charged to it.
 *
 * <p>Without it each store takes its own 50 MiB block cache and up to three 16 MiB memtables, and its index and
 * filter blocks live outside any cache and grow with the data: 7 stores held 1.17 GiB of RSS after a million
 * transactions. The stores' working set is small (the in-flight tail of the site's order, plus point reads of
 * recent statuses), so a small cache costs little; the bound is what matters.
 */
public final class BoundedRocksDBMemory implements RocksDBConfigSetter {

    /**
     * All RocksDB memory of the stores together (block cache, index and filter blocks, memtables). RocksDB's own
     * allocations outside the cache (table readers, iterators, compaction buffers) and glibc's fragmentation come on
     * top: at a million transactions settling, 64 MiB here meant about 120 MiB of native memory outside the JVM's.
     */
    static final long TOTAL_OFF_HEAP_BYTES = 32L * 1024 * 1024;
    /** Of which memtables: when their sum reaches this, the largest is flushed. */
    static final long TOTAL_MEMTABLE_BYTES = 16L * 1024 * 1024;
    /** One memtable: a store receiving a burst flushes every 4 MiB instead of the default 16 MiB. */
    static final long MEMTABLE_BYTES = 4L * 1024 * 1024;

    static final int MEMTABLES_PER_STORE = 2;
    /** Larger than RocksDB's 4 KiB: a smaller index for the same data, the point reads here are few. */
    static final long BLOCK_BYTES = 16L * 1024;
    /** Share of the cache kept for index and filter blocks, which every read needs. */
    static final double INDEX_FILTER_RATIO = 0.1;

    /**
     * Level compaction (Kafka Streams sets universal) with dynamic level sizes, whose compactions from level 0 write
     * straight to the last level while a store is small, and whose tombstones are dropped there: so the expiry's
     * deletes give their keys' space back. Universal compaction merges a small new run into a much larger old one only
     * for size amplification above 200%, so a run of tombstones lay on top of the data it deleted until enough later writes came (20,000
     * expired left 23 MiB of 23 MiB). RocksDB's compact-on-deletion collector would do it more precisely, but Kafka
     * Streams' options adapter does not pass {@code setTablePropertiesCollectorFactory} on to the store (it went to an
     * {@code Options} object nobody opens): {@link DeletedSpaceReclaimer} does its work from a flush listener.
     */
    static final CompactionStyle COMPACTION = CompactionStyle.LEVEL;
    /**
     * Level-0 files that start a compaction into the levels below (RocksDB's default 4): two, so that a flush of
     * tombstones meets the data it deletes at once rather than after three more flushes, which a store no longer
     * written may never make.
     */
    static final int LEVEL0_COMPACTION_TRIGGER = 2;
    /**
     * A file older than this is compacted again, when RocksDB next looks (a flush, a compaction, the store's opening):
     * what the trigger above leaves (a lone level-0 file of tombstones, or one moved to the last level untouched)
     * leaves within about an hour instead of waiting for later writes to overlap it. Each file is rewritten at most
     * once per period.
     */
    static final Duration PERIODIC_COMPACTION = Duration.ofHours(1);

    // Shared by every store of this process (Kafka Streams makes one setter per store); never closed per store.
    private static final Cache CACHE = new LRUCache(TOTAL_OFF_HEAP_BYTES, -1, false, INDEX_FILTER_RATIO);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(TOTAL_MEMTABLE_BYTES, CACHE);

    // Kafka Streams makes one setter for each store it opens, and closes it before the store's database.
    private DeletedSpaceReclaimer reclaimer;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(CACHE);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        table.setBlockSize(BLOCK_BYTES);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(WRITE_BUFFERS);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(MEMTABLES_PER_STORE);
        options.setCompactionStyle(COMPACTION);
        options.setLevelCompactionDynamicLevelBytes(true);
        options.setLevel0FileNumCompactionTrigger(LEVEL0_COMPACTION_TRIGGER);
        options.setPeriodicCompactionSeconds(PERIODIC_COMPACTION.toSeconds());
        reclaimer = new DeletedSpaceReclaimer(storeName);
        options.setListeners(List.of(reclaimer));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store: closing them here
        // would break the others.
        if (reclaimer != null) {
            reclaimer.stop();
        }
    }
}
