package io.opsdb.relay.role;

import io.opsdb.relay.lsn.Lsn;
import java.time.Duration;
import java.util.List;

/**
 * What a site has in flight and how far its replica lags, for {@code /api/buffer}, {@code /api/site/info},
 * {@code /health} and the gauges. Each figure is read when it is asked for (a metric scrape asks for them one by
 * one); an implementation caches what is costly to read.
 */
public interface BufferFigures {

    /** Transactions of this site acknowledged but not yet VISIBLE or FAILED; 0 at the main site, which buffers nothing. */
    int inFlight();

    /** How long the oldest of them has been in flight; zero when none is. */
    Duration oldestInFlightAge();

    /**
     * Transactions now FAILED, waiting for an operator: a secondary's own, every site's at the main site; null when
     * they cannot be counted now (the ledger is unreachable).
     */
    Long failed();

    /** Transactions an operator set aside (DISCARDED), counted as {@link #failed()}; null when they cannot be counted now. */
    Long discarded();

    /**
     * How far this site's replica has replayed the primary's WAL; null at the main site, whose database is the
     * primary (it then reports neither this nor {@link #replicaLagBytes()} in its health and site info).
     */
    Lsn replicaReplayPosition();

    /** WAL bytes between the newest commit this site has heard of and its replica's replay position; 0 at the main site. */
    long replicaLagBytes();

    /**
     * How far the replica is behind the primary in seconds: 0 while it streams and has replayed all it received,
     * else the age of the last transaction it replayed; 0 at the main site; null when the replica cannot be read.
     */
    Double replicaLagSeconds();

    /**
     * At the main site, each origin site whose mirrored commands it has found, applied or refused, by name; empty at
     * a secondary.
     */
    default List<OriginSiteFigures> originSites() {
        return List.of();
    }
}
