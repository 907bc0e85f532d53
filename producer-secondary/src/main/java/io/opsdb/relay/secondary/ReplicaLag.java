package io.opsdb.relay.secondary;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * How far this site's replica is behind the primary in seconds, read from the replica at most once per
 * {@link #CACHE}: health checks and metric scrapes must not load the replica.
 */
final class ReplicaLag {

    /** How long a reading is reused. */
    static final Duration CACHE = Duration.ofSeconds(1);

    // 0 when the replica is streaming and has replayed all it received: the timestamp of the last replayed
    // transaction says nothing then, and would grow while the primary is idle. Otherwise (the WAN or the
    // primary unreachable, or replay behind) the age of the last replayed transaction is the lag.
    static final String QUERY = """
            SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0
                        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                             AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
                        ELSE greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
                   END::float8""";

    private final Supplier<Double> reader;
    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private volatile Reading last;

    /** A reading, null seconds when it could not be read, and when it was read. */
    private record Reading(Double seconds, long readAtNanos) {}

    ReplicaLag(JdbcTemplate replica) {
        this(
                () -> {
                    try {
                        return replica.queryForObject(QUERY, Double.class);
                    } catch (DataAccessException e) {
                        return null;
                    }
                },
                System::nanoTime);
    }

    /** @param reader the lag in seconds as the replica says it now, null when it cannot be read */
    ReplicaLag(Supplier<Double> reader, LongSupplier nanoTime) {
        this.reader = reader;
        this.nanoTime = nanoTime;
    }

    /**
     * 0 while the replica streams and has replayed all it received, else the age of the last transaction it
     * replayed; null when the replica cannot be read.
     */
    Double seconds() {
        Reading reading = last;
        if (isStale(reading)) {
            synchronized (lock) {
                reading = last;
                if (isStale(reading)) {
                    reading = new Reading(reader.get(), nanoTime.getAsLong());
                    last = reading;
                }
            }
        }
        return reading.seconds();
    }

    private boolean isStale(Reading reading) {
        return reading == null || nanoTime.getAsLong() - reading.readAtNanos() >= CACHE.toNanos();
    }
}
