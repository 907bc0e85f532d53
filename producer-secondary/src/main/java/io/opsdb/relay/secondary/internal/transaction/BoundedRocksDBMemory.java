package io.opsdb.relay.secondary.internal.transaction;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.TablePropertiesCollectorFactory;
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
     * A file whose sliding window of 10,000 entries holds 5,000 deletions is compacted at once: the expiry deletes
     * whole runs of old keys, and without this their space comes back only when later writes reach that level.
     */
    static final long DELETION_WINDOW = 10_000;

    static final long DELETION_TRIGGER = 5_000;

    // Shared by every store of this process (Kafka Streams makes one setter per store); never closed per store.
    private static final Cache CACHE = new LRUCache(TOTAL_OFF_HEAP_BYTES, -1, false, INDEX_FILTER_RATIO);
    private static final WriteBufferManager WRITE_BUFFERS = new WriteBufferManager(TOTAL_MEMTABLE_BYTES, CACHE);
    private static final TablePropertiesCollectorFactory COMPACT_ON_DELETION =
            TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(DELETION_WINDOW, DELETION_TRIGGER, 0);

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
        options.setTablePropertiesCollectorFactory(List.of(COMPACT_ON_DELETION));
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache, the write buffer manager and the collector factory are shared by every store: closing them here
        // would break the others.
    }
}
