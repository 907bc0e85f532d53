package io.opsdb.relay.systemtest.fault;

import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Checks every acknowledged write against the databases and the observatory's status API, never against the
 * workload's own counters: I1 (in the main database's ledger, APPLIED), I2 (applied exactly once: one row per
 * obs unit; each transaction in the ledger at its first attempt with no dead letter, which a command delivered
 * again and applied again leaves behind as a unique violation; a finished unit's notes are the finish's, which a
 * note applied again after it would undo), I3 (a finish applied after its start, the unit completed), I4 (VISIBLE
 * at the observatory, the row on the replica as at the primary).
 */
final class RelayAudit {

    private static final int CHUNK = 5_000;
    private static final int EXAMPLES = 5;

    /** What the audit found; each list holds a few examples of its kind of violation. */
    record Findings(
            int acknowledged,
            int lost,
            int duplicated,
            int failed,
            int outOfOrder,
            int notVisible,
            int notOnReplica,
            List<String> examples) {

        boolean clean() {
            return lost == 0
                    && duplicated == 0
                    && failed == 0
                    && outOfOrder == 0
                    && notVisible == 0
                    && notOnReplica == 0;
        }

        @Override
        public String toString() {
            return "acknowledged " + acknowledged + ", lost " + lost + ", duplicated " + duplicated + ", failed "
                    + failed
                    + ", out of order " + outOfOrder + ", not visible " + notVisible + ", not on the replica "
                    + notOnReplica
                    + (examples.isEmpty() ? "" : "; e.g. " + examples);
        }
    }

    private record LedgerRow(String status, int attempt, long sourceOffset, String error) {}

    /** An executed obs unit's row. */
    private record Unit(String status, String notes) {}

    private RelayAudit() {}

    /**
     * Audits {@code acked}, all written by the workload run {@code run}.
     *
     * @param allowedFailures transactions expected to end FAILED (poison), not counted as failed
     */
    static Findings audit(
            String run,
            List<FaultWorkload.Ack> acked,
            ObservatoryClient observatory,
            Collection<String> allowedFailures)
            throws Exception {
        return audit(run, acked, observatory, allowedFailures, acked.size());
    }

    /**
     * The same, asking the observatory for the status of only the first {@code statusesAsked} of {@code acked} (the
     * databases are checked for all of them).
     */
    static Findings audit(
            String run,
            List<FaultWorkload.Ack> acked,
            ObservatoryClient observatory,
            Collection<String> allowedFailures,
            int statusesAsked)
            throws Exception {
        List<String> examples = new ArrayList<>();
        List<String> ids = acked.stream().map(FaultWorkload.Ack::transactionId).toList();
        Map<String, LedgerRow> ledger = ledger(ids);

        int lost = 0;
        int failed = 0;
        for (String id : ids) {
            LedgerRow row = ledger.get(id);
            if (row == null) {
                lost++;
                example(examples, "lost " + id);
            } else if (!"APPLIED".equals(row.status()) && !allowedFailures.contains(id)) {
                failed++;
                example(examples, "failed " + id + ": " + row.error());
            }
        }
        // A transaction at a later attempt was applied again after a failure nobody retried.
        int duplicated = 0;
        for (String id : ids) {
            LedgerRow row = ledger.get(id);
            if (row != null && row.attempt() != 1 && !allowedFailures.contains(id)) {
                duplicated++;
                example(examples, "transaction " + id + " at attempt " + row.attempt());
            }
        }

        int outOfOrder = 0;
        List<String> finishedUnits = new ArrayList<>();
        for (FaultWorkload.Ack ack : acked) {
            if (!ack.isFinish()) {
                continue;
            }
            finishedUnits.add(ack.recordId());
            LedgerRow start = ledger.get(ack.startTransactionId());
            LedgerRow finish = ledger.get(ack.transactionId());
            if (start != null && finish != null && finish.sourceOffset() <= start.sourceOffset()) {
                outOfOrder++;
                example(
                        examples,
                        "finish " + ack.transactionId() + " applied at offset " + finish.sourceOffset()
                                + ", not after its start at " + start.sourceOffset());
            }
        }

        List<String> units = acked.stream()
                .filter(FaultWorkload.Ack::isStart)
                .map(FaultWorkload.Ack::recordId)
                .toList();
        Map<String, Unit> atPrimary;
        Map<String, Unit> atReplica;
        int extraRows;
        Map<String, String> deadLetters;
        try (Connection primary = TwoSiteStack.primary();
                Connection replica = TwoSiteStack.replica()) {
            atPrimary = units(primary, units);
            atReplica = units(replica, units);
            extraRows = duplicates(primary, run);
            deadLetters = deadLetters(primary, ids);
        }
        duplicated += extraRows;
        if (extraRows > 0) {
            example(examples, extraRows + " extra rows for obs units of " + run);
        }
        // An APPLIED transaction with a dead letter was delivered again and refused (a unique violation for a
        // start): the ledger let it through. A FAILED one's dead letter is its own failure, counted above.
        for (Map.Entry<String, String> deadLetter : deadLetters.entrySet()) {
            LedgerRow row = ledger.get(deadLetter.getKey());
            if (row != null && "APPLIED".equals(row.status()) && !allowedFailures.contains(deadLetter.getKey())) {
                duplicated++;
                example(
                        examples,
                        "APPLIED transaction " + deadLetter.getKey() + " has a dead letter: "
                                + deadLetter.getValue().lines().findFirst().orElse(""));
            }
        }
        for (String unit : finishedUnits) {
            Unit row = atPrimary.get(unit);
            if (row == null || !"completed".equals(row.status())) {
                outOfOrder++;
                example(examples, "unit " + unit + " is " + row + " at the primary after its finish");
            } else if (!FaultWorkload.NOTE_AT_FINISH.equals(row.notes())) {
                duplicated++;
                example(
                        examples,
                        "unit " + unit + " is completed with notes '" + row.notes() + "', not its finish's: "
                                + "a note applied again after the finish");
            }
        }

        int notOnReplica = 0;
        for (String unit : units) {
            Unit atThePrimary = atPrimary.get(unit);
            if (atThePrimary != null && !atThePrimary.equals(atReplica.get(unit))) {
                notOnReplica++;
                example(
                        examples,
                        "unit " + unit + " is " + atThePrimary + " at the primary, " + atReplica.get(unit)
                                + " on the replica");
            }
        }

        int notVisible = 0;
        for (Map.Entry<String, String> state : observatoryStates(
                        observatory, ids.subList(0, Math.min(statusesAsked, ids.size())))
                .entrySet()) {
            boolean expected = "VISIBLE".equals(state.getValue())
                    || allowedFailures.contains(state.getKey()) && "FAILED".equals(state.getValue());
            if (!expected) {
                notVisible++;
                example(examples, "transaction " + state.getKey() + " is " + state.getValue() + " at the observatory");
            }
        }
        return new Findings(
                ids.size(), lost, duplicated, failed, outOfOrder, notVisible, notOnReplica, List.copyOf(examples));
    }

    private static void example(List<String> examples, String example) {
        if (examples.size() < EXAMPLES) {
            examples.add(example);
        }
    }

    private static Map<String, LedgerRow> ledger(List<String> transactionIds) throws SQLException {
        try (Connection primary = TwoSiteStack.primary()) {
            return byId(
                    primary,
                    """
                    SELECT transaction_id::text, status, attempt, source_offset, error FROM relay_ledger
                    WHERE transaction_id = ANY (?)""",
                    transactionIds,
                    row -> new LedgerRow(row.getString(2), row.getInt(3), row.getLong(4), row.getString(5)));
        }
    }

    /** Each of {@code units} in {@code db}'s executed_obs_unit (absent: not there). */
    private static Map<String, Unit> units(Connection db, List<String> units) throws SQLException {
        return byId(
                db,
                "SELECT id::text, status, notes FROM executed_obs_unit WHERE id = ANY (?)",
                units,
                row -> new Unit(row.getString(2), row.getString(3)));
    }

    /** The reason of each dead letter kept for one of {@code transactionIds}, by transaction id. */
    private static Map<String, String> deadLetters(Connection primary, List<String> transactionIds)
            throws SQLException {
        return byId(
                primary,
                "SELECT transaction_id::text, error FROM relay_dead_letter WHERE transaction_id = ANY (?)",
                transactionIds,
                row -> row.getString(2));
    }

    /** A row of a query read as a value. */
    private interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** {@code select}'s rows for {@code ids} (its one parameter, a uuid array), by their first column, asked in chunks. */
    private static <T> Map<String, T> byId(Connection db, String select, List<String> ids, RowReader<T> reader)
            throws SQLException {
        Map<String, T> rows = new HashMap<>();
        try (PreparedStatement statement = db.prepareStatement(select)) {
            for (List<String> chunk : chunks(ids)) {
                statement.setArray(1, uuids(db, chunk));
                try (ResultSet row = statement.executeQuery()) {
                    while (row.next()) {
                        rows.put(row.getString(1), reader.read(row));
                    }
                }
            }
        }
        return rows;
    }

    /** Rows beyond the first for any obs unit of this run: each start was written once. */
    private static int duplicates(Connection primary, String run) throws SQLException {
        try (PreparedStatement count = primary.prepareStatement(
                "SELECT count(*) - count(DISTINCT obs_unit_id) FROM executed_obs_unit WHERE obs_unit_id LIKE ?")) {
            count.setString(1, run + "-%");
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** Each transaction's state as the observatory reports it, asked 8 at a time. */
    static Map<String, String> observatoryStates(ObservatoryClient observatory, List<String> transactionIds)
            throws InterruptedException {
        Map<String, String> states = new ConcurrentHashMap<>();
        ExecutorService askers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<Void>> asked = new ArrayList<>();
            for (String id : transactionIds) {
                asked.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                ObservatoryClient.Status status = observatory.status(id);
                                states.put(
                                        id,
                                        status.httpStatus() == 200 ? status.state() : "HTTP " + status.httpStatus());
                            } catch (Exception e) {
                                states.put(id, "unanswered: " + e);
                            }
                        },
                        askers));
            }
            CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).join();
        } finally {
            askers.shutdown();
            askers.awaitTermination(1, TimeUnit.MINUTES);
        }
        return states;
    }

    private static Array uuids(Connection db, List<String> ids) throws SQLException {
        return db.createArrayOf("uuid", ids.toArray());
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return chunks;
    }
}
