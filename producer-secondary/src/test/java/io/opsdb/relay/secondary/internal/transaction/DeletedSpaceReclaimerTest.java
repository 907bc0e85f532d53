package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A real RocksDB store, set up as the transaction state's stores are, swept as the retention sweeps them: most of its
 * keys deleted. Its files must shrink to what is left within seconds, not wait for the hourly
 * periodic compaction (which is what happened before: 30 MiB stayed after a million settled transactions expired).
 */
class DeletedSpaceReclaimerTest {

    private static final int KEYS = 60_000;

    @TempDir
    Path directory;

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void aSweepFlushedAsAFileOfTombstonesGivesItsSpaceBackOnceItIsOver() throws RocksDBException {
        sweep(true);
    }

    @Test
    void aSweepStillInTheMemtableGivesItsSpaceBackToo() throws RocksDBException {
        sweep(false);
    }

    /**
     * All but every hundredth key deleted, then a flush or none. A flushed file of tombstones is the only one in level
     * 0, below the trigger of a level-0 compaction; unflushed, they stay in the memtable: either way, without the
     * reclaimer, the data under them stays.
     */
    private void sweep(boolean flushed) throws RocksDBException {
        DeletedSpaceReclaimer reclaimer = new DeletedSpaceReclaimer("transactions", Duration.ofMillis(200));
        try (Options options = storeOptions(reclaimer);
                RocksDB db = RocksDB.open(options, directory.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true);
                WriteOptions write = new WriteOptions()) {
            for (int i = 0; i < KEYS; i++) {
                db.put(write, key(i), value(i));
            }
            db.flush(flush);
            db.compactRange();
            long full = sstBytes(db);
            assertThat(full).isGreaterThan(KEYS * 100L);

            try (WriteBatch batch = new WriteBatch()) {
                for (int i = 0; i < KEYS; i++) {
                    if (i % 100 != 0) {
                        batch.delete(key(i));
                    }
                }
                db.write(write, batch);
            }
            if (flushed) {
                db.flush(flush);
            }
            assertThat(sstBytes(db)).as("nothing removed yet").isGreaterThanOrEqualTo(full);

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(sstBytes(db))
                            .as("files after the sweep, of %d before", full)
                            .isLessThan(full / 10));
            assertThat(reclaimer.compactions()).isEqualTo(1);
            assertThat(db.get(key(100))).isEqualTo(value(100));
            assertThat(db.get(key(101))).isNull();
            reclaimer.stop();
        }
    }

    @Test
    void writesAloneCompactNothingAndAStoppedReclaimerChecksNoMore() throws RocksDBException {
        DeletedSpaceReclaimer reclaimer = new DeletedSpaceReclaimer("transactions", Duration.ofMillis(100));
        try (Options options = storeOptions(reclaimer);
                RocksDB db = RocksDB.open(options, directory.toString());
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 5_000; i++) {
                db.put(key(i), value(i));
            }
            db.flush(flush);
            // Overwrites and a few deletions: a site that keeps writing.
            for (int i = 0; i < 5_000; i++) {
                db.put(key(i), value(i + 1));
            }
            for (int i = 0; i < 500; i++) {
                db.delete(key(i));
            }
            db.flush(flush);
            assertThat(reclaimer.checking()).isTrue();
            reclaimer.stop();
            assertThat(reclaimer.checking()).isFalse();
            assertThat(reclaimer.compactions()).isZero();
        }
    }

    @Test
    void manyDeletionsAreWorthACompactionOnlyAgainstFewLiveKeys() {
        assertThat(DeletedSpaceReclaimer.worthCompacting(999, 0)).isFalse();
        assertThat(DeletedSpaceReclaimer.worthCompacting(1_000, 0)).isTrue();
        assertThat(DeletedSpaceReclaimer.worthCompacting(1_000, 3_000)).isTrue();
        assertThat(DeletedSpaceReclaimer.worthCompacting(1_000, 3_001)).isFalse();
        assertThat(DeletedSpaceReclaimer.worthCompacting(100_000, 7_000_000)).isFalse();
    }

    private static Options storeOptions(DeletedSpaceReclaimer reclaimer) {
        // As Kafka Streams hands them to its config setter.
        Options options = new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig());
        new BoundedRocksDBMemory().setConfig("transactions", options, new HashMap<>());
        options.setListeners(List.of(reclaimer));
        return options;
    }

    private static long sstBytes(RocksDB db) throws RocksDBException {
        return db.getLongProperty("rocksdb.live-sst-files-size");
    }

    /** Random, so that compression does not make the data as small as its tombstones. */
    private static byte[] value(int i) {
        byte[] value = new byte[200];
        new Random(i).nextBytes(value);
        return value;
    }

    private static byte[] key(int i) {
        return String.format("tx-%08d", i).getBytes(StandardCharsets.UTF_8);
    }
}
