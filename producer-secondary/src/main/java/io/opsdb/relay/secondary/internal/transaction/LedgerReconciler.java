package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
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
 *
 * <p>Each outcome is handed over once per transaction and attempt: while the processor is behind (a backlog, a
 * restore) the transaction still reads BUFFERED on the next pass, and sending its outcome again would only lengthen
 * the queue it waits in. It is sent again only if the transaction is still BUFFERED {@link #RESEND_AFTER} later (the
 * record may have been lost with a failed send).
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
    /**
     * How long an outcome handed to the processor may go unprocessed before it is sent again. The processor takes
     * them in its input's order; behind a backlog of a million it took minutes.
     */
    static final Duration RESEND_AFTER = Duration.ofMinutes(5);
    /**
     * The most outcomes sent and not yet seen processed: beyond this the processor is far behind, a pass sends
     * nothing new, and the ids remembered stay bounded.
     */
    static final int MAX_UNPROCESSED = PAGE * PAGES_PER_PASS;

    private static final Logger LOG = LoggerFactory.getLogger(LedgerReconciler.class);

    // The replay position is read per row, after the statement's snapshot was taken: at or after each row's commit.
    // On a database that is not a standby (a site without a replica of its own) the current WAL position plays its
    // role.
    private static final String LEDGER_ROWS = """
            SELECT transaction_id::text, attempt, status, error, applied_at,
                   (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text
            FROM relay_ledger WHERE site = ? AND transaction_id = ANY (?::uuid[])""";

    /** The replica's ledger rows of some transactions, as outcomes. */
    @FunctionalInterface
    interface Ledger {
        /**
         * @param byLedgerId the ids asked for, by the lower-case form the ledger returns them in
         * @return an outcome for each that has a row, under the id this site tracks
         */
        List<TransactionOutcome> outcomes(Map<String, String> byLedgerId);
    }

    private final Ledger ledger;
    private final TransactionTracker tracker;
    private final Clock clock;
    /** Where the next pass continues in the BUFFERED transactions' id order; null: from the first. */
    private String cursor;
    /** Outcomes handed to the processor, by transaction id, until the transaction is seen to move on. */
    private final Map<String, Sent> unprocessed = new HashMap<>();

    private record Sent(int attempt, Instant at) {}

    /** Run every {@link #INTERVAL} by {@link ReplicaLsnPoller}, which reads the same replica. */
    LedgerReconciler(JdbcTemplate replica, TransactionTracker tracker, String site) {
        this(byLedgerId -> ledgerRows(replica, site, byLedgerId), tracker, Clock.systemUTC());
    }

    LedgerReconciler(Ledger ledger, TransactionTracker tracker, Clock clock) {
        this.ledger = ledger;
        this.tracker = tracker;
        this.clock = clock;
    }

    /** One pass: up to {@link #PAGES_PER_PASS} pages of BUFFERED transactions, from where the last one stopped. */
    synchronized void pass() {
        try {
            Instant now = clock.instant();
            Instant before = now.minus(BUFFERED_FOR);
            forgetProcessed();
            int settled = 0;
            for (int page = 0; page < PAGES_PER_PASS && unprocessed.size() < MAX_UNPROCESSED; page++) {
                List<TrackedTransaction> buffered = tracker.list(TransactionState.BUFFERED, cursor, PAGE);
                cursor = buffered.size() < PAGE
                        ? null
                        : buffered.get(buffered.size() - 1).transactionId();
                settled += reconcile(
                        buffered.stream()
                                .filter(tx -> tx.acknowledgedAt().isBefore(before) && !awaited(tx, now))
                                .toList(),
                        now);
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
        } catch (SiteUnavailableException e) {
            // Transient too: the state stores are being restored (reads answer 503 meanwhile); the next pass asks
            // again.
            LOG.warn("Ledger reconciliation waits for the state stores: {}", e.getMessage());
        } catch (RuntimeException e) {
            // Must not end the schedule: the transactions it is there for would stay BUFFERED.
            LOG.error("Ledger reconciliation failed; the next pass tries again", e);
        }
    }

    /** Lets go of the outcomes whose transaction the processor has moved on (or forgotten) since they were sent. */
    private void forgetProcessed() {
        for (Iterator<Map.Entry<String, Sent>> sent = unprocessed.entrySet().iterator(); sent.hasNext(); ) {
            Map.Entry<String, Sent> entry = sent.next();
            boolean waiting = tracker.find(entry.getKey())
                    .filter(tx -> tx.state() == TransactionState.BUFFERED
                            && tx.attempt() == entry.getValue().attempt())
                    .isPresent();
            if (!waiting) {
                sent.remove();
            }
        }
    }

    /** True when {@code tx}'s outcome was sent within {@link #RESEND_AFTER} and waits for the processor. */
    private boolean awaited(TrackedTransaction tx, Instant now) {
        Sent sent = unprocessed.get(tx.transactionId());
        return sent != null
                && sent.attempt() == tx.attempt()
                && now.isBefore(sent.at().plus(RESEND_AFTER));
    }

    /** Hands the processor an outcome for each of {@code buffered} the ledger has; returns how many. */
    private int reconcile(List<TrackedTransaction> buffered, Instant now) {
        // The ledger's uuid comes back in lower case; the id is the one this site tracks.
        Map<String, String> byLedgerId = new HashMap<>();
        Map<String, Integer> attempts = new HashMap<>();
        for (TrackedTransaction tx : buffered) {
            if (isUuid(tx.transactionId())) {
                byLedgerId.put(tx.transactionId().toLowerCase(Locale.ROOT), tx.transactionId());
                attempts.put(tx.transactionId(), tx.attempt());
            }
        }
        if (byLedgerId.isEmpty()) {
            return 0;
        }
        List<TransactionOutcome> found = ledger.outcomes(byLedgerId);
        for (TransactionOutcome outcome : found) {
            tracker.reconciled(outcome);
            Integer attempt = attempts.get(outcome.getTransactionId());
            if (attempt != null) {
                unprocessed.put(outcome.getTransactionId(), new Sent(attempt, now));
            }
        }
        return found.size();
    }

    private static List<TransactionOutcome> ledgerRows(
            JdbcTemplate replica, String site, Map<String, String> byLedgerId) {
        String[] ids = byLedgerId.keySet().toArray(String[]::new);
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
        return found;
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
