package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Settles transactions whose outcome never came: every {@link #INTERVAL} it asks this site's replica's
 * {@code relay_ledger} for the transactions BUFFERED here for longer than {@link #BUFFERED_FOR}. The outcome stream
 * makes visibility fast; the ledger is the truth it reports, so an outcome lost or expired on its way (an outcome-flow
 * outage longer than the outcomes topic keeps them) no longer leaves a transaction BUFFERED for good.
 *
 * <p>A ledger row read on the replica means the main site committed the transaction and the replica has replayed
 * that commit. The ledger does not hold the commit LSN, so the outcome made from the row carries the replica's replay
 * position read in the same statement (at or after the commit: the row is in the statement's snapshot): the
 * transaction is APPLIED at that position and VISIBLE as soon as the poller has seen the replica there, and I4 holds.
 * A FAILED row becomes FAILED with its error. The processor treats these outcomes as it treats the stream's, so
 * whichever comes first wins and the other changes nothing.
 */
final class LedgerReconciler {

    /** Between passes: a lost outcome costs at most this on top of {@link #BUFFERED_FOR}. */
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /**
     * Outcomes normally arrive within a second of the commit; a transaction BUFFERED longer than this is either not
     * applied yet (the WAN or the main site is down: the ledger has no row, the look is cheap) or its outcome is late.
     */
    static final Duration BUFFERED_FOR = Duration.ofSeconds(30);
    /** Ids per ledger query; {@link #PAGES_PER_PASS} of them per pass walk a large backlog round by round. */
    static final int PAGE = 1_000;

    static final int PAGES_PER_PASS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(LedgerReconciler.class);

    // The replay position is read per row, after the statement's snapshot was taken: at or after each row's commit.
    // On a database that is not a standby (a site without a replica of its own) the current WAL position plays its
    // role.
    private static final String LEDGER_ROWS = """
            SELECT transaction_id::text, attempt, status, error, applied_at,
                   (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text
            FROM relay_ledger WHERE site = ? AND transaction_id = ANY (?::uuid[])""";

    private final JdbcTemplate replica;
    private final TransactionTracker tracker;
    private final String site;
    private final Clock clock = Clock.systemUTC();
    /** Where the next pass continues in the BUFFERED transactions' id order; null: from the first. */
    private String cursor;

    /** Run every {@link #INTERVAL} by {@link ReplicaLsnPoller}, which reads the same replica. */
    LedgerReconciler(JdbcTemplate replica, TransactionTracker tracker, String site) {
        this.replica = replica;
        this.tracker = tracker;
        this.site = site;
    }

    /** One pass: up to {@link #PAGES_PER_PASS} pages of BUFFERED transactions, from where the last one stopped. */
    synchronized void pass() {
        try {
            Instant before = clock.instant().minus(BUFFERED_FOR);
            int settled = 0;
            for (int page = 0; page < PAGES_PER_PASS; page++) {
                List<TrackedTransaction> buffered = tracker.list(TransactionState.BUFFERED, cursor, PAGE);
                cursor = buffered.size() < PAGE
                        ? null
                        : buffered.get(buffered.size() - 1).transactionId();
                settled += reconcile(buffered.stream()
                        .filter(tx -> tx.acknowledgedAt().isBefore(before))
                        .toList());
                if (cursor == null) {
                    break;
                }
            }
            if (settled > 0) {
                LOG.info(
                        "{} transactions BUFFERED for over {} s found in the replica's ledger: their outcomes had not"
                                + " arrived",
                        settled,
                        BUFFERED_FOR.toSeconds());
            }
        } catch (DataAccessException e) {
            // Transient (the replica is down or restarting), and ReplicaLsnPoller already reports it: the next pass
            // asks again.
            LOG.debug("Ledger reconciliation skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            // Must not end the schedule: the transactions it is there for would stay BUFFERED.
            LOG.error("Ledger reconciliation failed; the next pass tries again", e);
        }
    }

    /** Hands the processor an outcome for each of {@code buffered} the ledger has; returns how many. */
    private int reconcile(List<TrackedTransaction> buffered) {
        // The ledger's uuid comes back in lower case; the id is the one this site tracks.
        Map<String, String> byLedgerId = new HashMap<>();
        buffered.stream()
                .map(TrackedTransaction::transactionId)
                .filter(LedgerReconciler::isUuid)
                .forEach(id -> byLedgerId.put(id.toLowerCase(Locale.ROOT), id));
        String[] ids = byLedgerId.keySet().toArray(String[]::new);
        if (ids.length == 0) {
            return 0;
        }
        List<TransactionOutcome> found = new ArrayList<>();
        replica.query(
                LEDGER_ROWS,
                statement -> {
                    statement.setString(1, site);
                    statement.setArray(2, statement.getConnection().createArrayOf("text", ids));
                },
                row -> {
                    Timestamp appliedAt = row.getTimestamp(5);
                    found.add(TransactionOutcome.newBuilder()
                            .setTransactionId(byLedgerId.getOrDefault(row.getString(1), row.getString(1)))
                            .setSite(site)
                            .setAttempt(row.getInt(2))
                            .setStatus(OutcomeStatus.valueOf(row.getString(3)))
                            .setError(row.getString(4))
                            .setCommittedAt(appliedAt.toInstant())
                            .setCommitLsn(Lsn.valueOf(row.getString(6)).asLong())
                            .build());
                });
        found.forEach(tracker::reconciled);
        return found.size();
    }

    /** The ledger's key is a uuid; anything else cannot be in it (and would fail the cast). */
    private static boolean isUuid(String id) {
        try {
            return UUID.fromString(id).toString().equalsIgnoreCase(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
