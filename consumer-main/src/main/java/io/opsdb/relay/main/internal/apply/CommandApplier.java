package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.WriteCommand;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies commands to the primary, each with its ledger row in the same database transaction, so a
 * command is applied at most once whatever the number of deliveries and appliers, and at least once because
 * its offset is committed only after the database transaction.
 *
 * <p>A transaction first claims the ledger rows of its commands: a row that is new, or a FAILED row of an
 * earlier attempt, is claimed; any other is a duplicate and its command is skipped. Only claimed commands are
 * applied. A claim is a write on the row's key, so two appliers holding the same command (a rebalance, a
 * zombie after a network partition) cannot both claim it: the second waits for the first to commit, then
 * finds the row taken, or claims it if the first rolled back.
 *
 * <p>A batch is applied in one database transaction with one JDBC batch per run of same-shaped
 * statements. If it fails permanently, the commands are applied one by one to set the culprits aside as
 * FAILED ledger rows with their reasons, each kept as it was read in {@code relay_dead_letter} (what an
 * operator inspects and a retry applies again, with a higher attempt); the others are applied. A
 * transient failure is thrown to the caller, which retries the whole batch with back-off: commands
 * already applied are then skipped as duplicates.
 */
public class CommandApplier {

    private static final Logger LOG = LoggerFactory.getLogger(CommandApplier.class);

    /**
     * Claims the ledger rows of a batch in one statement: inserts new ones, takes over FAILED rows of an earlier
     * attempt, and returns the ids it claimed. Rows are claimed in transaction id order, so two appliers
     * claiming overlapping batches wait for each other instead of deadlocking. A batch's rows share one
     * {@code applied_at} (the statement's start): per-row clock readings would follow that id order, not the
     * site's, and could put a command before the one it followed.
     */
    private static final String LEDGER_CLAIM = """
            INSERT INTO relay_ledger (transaction_id, site, attempt, status, error, operation_count, accepted_at,
                                      source_topic, source_partition, source_offset, applied_at)
            SELECT claim.*, statement_timestamp() FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS integer[]), CAST(? AS text[]),
                                 CAST(? AS text[]), CAST(? AS integer[]), CAST(CAST(? AS text[]) AS timestamptz[]),
                                 CAST(? AS text[]), CAST(? AS integer[]), CAST(? AS bigint[]))
                AS claim (transaction_id, site, attempt, status, error, operation_count, accepted_at, source_topic,
                          source_partition, source_offset)
            ORDER BY transaction_id
            ON CONFLICT (transaction_id) DO UPDATE SET
                site = excluded.site, attempt = excluded.attempt, status = excluded.status, error = excluded.error,
                operation_count = excluded.operation_count, accepted_at = excluded.accepted_at,
                applied_at = excluded.applied_at, source_topic = excluded.source_topic,
                source_partition = excluded.source_partition, source_offset = excluded.source_offset
            WHERE relay_ledger.status = 'FAILED' AND relay_ledger.attempt < excluded.attempt
            RETURNING transaction_id::text""";

    /** The latest failed attempt of a transaction, with the command as it was read: its dead letter. */
    private static final String DEAD_LETTER_UPSERT = """
            INSERT INTO relay_dead_letter (transaction_id, attempt, source_topic, source_partition, source_offset,
                                           error, payload)
            VALUES (CAST(? AS uuid), ?, ?, ?, ?, ?, ?)
            ON CONFLICT (transaction_id) DO UPDATE SET
                attempt = excluded.attempt, source_topic = excluded.source_topic,
                source_partition = excluded.source_partition, source_offset = excluded.source_offset,
                error = excluded.error, payload = excluded.payload, recorded_at = now()
            WHERE relay_dead_letter.attempt < excluded.attempt""";

    /** A record that names no transaction this applier can record: kept by its position, once. */
    private static final String UNATTRIBUTED_DEAD_LETTER = """
            INSERT INTO relay_dead_letter (source_topic, source_partition, source_offset, error, payload)
            SELECT ?, ?, ?, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM relay_dead_letter
                              WHERE source_topic = ? AND source_partition = ? AND source_offset = ?)
            ON CONFLICT DO NOTHING""";

    private static final MessageCodec<WriteCommand> COMMANDS = RelayCodecs.writeCommands();

    /** Whether the ledger claim decides what is a duplicate. */
    public enum Deduplication {
        /** The ledger claim decides: each command is applied once. Always, outside the one test below. */
        LEDGER_CLAIM,
        /**
         * TEST ONLY: every command is applied as if it were new, whatever the ledger holds. It exists to prove that
         * the fault suite's audit catches a command applied twice; never set it anywhere else.
         */
        OFF_TEST_ONLY
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ApplyListener listener;
    private final Deduplication deduplication;

    public CommandApplier(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this(jdbc, transactions, ApplyListener.NONE);
    }

    /** @param listener told of each command once its ledger row is committed */
    public CommandApplier(JdbcTemplate jdbc, TransactionTemplate transactions, ApplyListener listener) {
        this(jdbc, transactions, listener, Deduplication.LEDGER_CLAIM);
    }

    public CommandApplier(
            JdbcTemplate jdbc, TransactionTemplate transactions, ApplyListener listener, Deduplication deduplication) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.listener = listener;
        this.deduplication = deduplication;
        if (deduplication != Deduplication.LEDGER_CLAIM) {
            LOG.warn(
                    "The applier does NOT skip duplicates (deduplication {}): commands delivered again are applied again. "
                            + "This is for the fault suite's own test only.",
                    deduplication);
        }
    }

    /**
     * What one call did.
     *
     * @param duplicates commands skipped: repeated in the call, or already in the ledger at the same or a later
     *        attempt (claimed by an earlier delivery or by another applier)
     * @param failures the reason of each command recorded FAILED, by transaction id
     */
    public record ApplyReport(int applied, int failed, int duplicates, Map<String, String> failures) {}

    /**
     * Applies commands in order.
     *
     * @throws RuntimeException a transient failure: nothing of this call that is not in the ledger was applied
     */
    public ApplyReport apply(List<IncomingCommand> commands) {
        List<Prepared> prepared =
                latestAttempts(commands).stream().map(Prepared::of).toList();
        int repeated = commands.size() - prepared.size();
        if (prepared.isEmpty()) {
            return new ApplyReport(0, 0, repeated, Map.of());
        }
        try {
            List<Prepared> claimed = inTransaction(prepared);
            committed(claimed);
            return report(claimed, commands.size());
        } catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw e;
            }
            LOG.info(
                    "Batch of {} commands failed permanently ({}); applying them one by one",
                    prepared.size(),
                    SqlFailureClassifier.reason(e));
        }
        List<Prepared> settled = new ArrayList<>();
        for (Prepared one : prepared) {
            List<Prepared> claimed;
            try {
                claimed = inTransaction(List.of(one));
            } catch (RuntimeException e) {
                if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                    throw e;
                }
                claimed = inTransaction(List.of(one.failed(SqlFailureClassifier.reason(e))));
            }
            committed(claimed);
            settled.addAll(claimed);
        }
        return report(settled, commands.size());
    }

    /**
     * Sets aside a record on a commands topic that is not a readable command, with its bytes and the reason. When its
     * headers name a transaction not yet in the ledger, that transaction gets a FAILED ledger row with the reason (so
     * its site learns its fate from the outcome stream) and the record is its dead letter, in one database
     * transaction; otherwise the record is kept by its position alone.
     *
     * @throws RuntimeException a transient failure: nothing was recorded
     */
    public void setAside(UnreadableCommand record) {
        LOG.error(
                "Unreadable record {}-{}@{} (transaction {}) set aside: {}",
                record.topic(),
                record.partition(),
                record.offset(),
                record.transactionId() == null ? "unknown" : record.transactionId(),
                record.reason());
        Boolean failedTransaction =
                transactions.execute(status -> jdbc.execute((ConnectionCallback<Boolean>) connection -> {
                    if (record.transactionId() != null) {
                        Claim claim = new Claim(
                                record.transactionId(),
                                record.site(),
                                1,
                                record.reason(),
                                0,
                                record.timestamp(),
                                record.topic(),
                                record.partition(),
                                record.offset());
                        if (!claim(connection, List.of(claim)).isEmpty()) {
                            writeDeadLetter(connection, claim, record.payload());
                            return true;
                        }
                    }
                    try (PreparedStatement deadLetter = connection.prepareStatement(UNATTRIBUTED_DEAD_LETTER)) {
                        deadLetter.setString(1, record.topic());
                        deadLetter.setInt(2, record.partition());
                        deadLetter.setLong(3, record.offset());
                        deadLetter.setString(4, record.reason());
                        deadLetter.setBytes(5, record.payload());
                        deadLetter.setString(6, record.topic());
                        deadLetter.setInt(7, record.partition());
                        deadLetter.setLong(8, record.offset());
                        deadLetter.executeUpdate();
                    }
                    return false;
                }));
        listener.unreadable(record, Boolean.TRUE.equals(failedTransaction));
    }

    // Told per commit rather than per call: a transient failure later in the same call throws, and the
    // commands committed before it are skipped as duplicates on the retry, so they are told only here.
    private void committed(List<Prepared> claimed) {
        for (Prepared p : claimed) {
            if (p.error == null) {
                listener.applied(p.incoming);
            } else {
                listener.failed(p.incoming, p.error);
            }
        }
    }

    private ApplyReport report(List<Prepared> claimed, int received) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Prepared p : claimed) {
            if (p.error != null) {
                failures.put(p.incoming.transactionId(), p.error);
                LOG.warn(
                        "Transaction {} from {} FAILED: {}",
                        p.incoming.transactionId(),
                        p.incoming.command().getSite(),
                        p.error);
            }
        }
        return new ApplyReport(claimed.size() - failures.size(), failures.size(), received - claimed.size(), failures);
    }

    /** Each transaction once, at the latest attempt in the call, in the position of its first delivery. */
    private static List<IncomingCommand> latestAttempts(List<IncomingCommand> commands) {
        Map<String, IncomingCommand> latest = new LinkedHashMap<>();
        for (IncomingCommand c : commands) {
            IncomingCommand earlier = latest.get(c.transactionId());
            if (earlier == null || earlier.command().getAttempt() < c.command().getAttempt()) {
                latest.put(c.transactionId(), c);
            }
        }
        return new ArrayList<>(latest.values());
    }

    /** Claims, applies what it claimed and keeps the dead letters of what failed, in one transaction; returns the claimed. */
    private List<Prepared> inTransaction(List<Prepared> prepared) {
        return transactions.execute(status -> jdbc.execute((ConnectionCallback<List<Prepared>>) connection -> {
            Set<String> ids =
                    claim(connection, prepared.stream().map(Prepared::claim).toList());
            List<Prepared> claimed = deduplication == Deduplication.OFF_TEST_ONLY
                    ? prepared
                    : prepared.stream()
                            .filter(p -> ids.contains(p.incoming.transactionId()))
                            .toList();
            applyOperations(connection, claimed);
            for (Prepared p : claimed) {
                if (p.error != null) {
                    writeDeadLetter(
                            connection,
                            p.claim(),
                            p.incoming.payload() != null
                                    ? p.incoming.payload()
                                    : COMMANDS.encode(p.incoming.command()));
                }
            }
            return claimed;
        }));
    }

    /** Claims the ledger rows of {@code claims} (see {@link #LEDGER_CLAIM}); returns the transaction ids claimed. */
    private static Set<String> claim(Connection connection, List<Claim> claims) throws SQLException {
        int n = claims.size();
        Object[] ids = new Object[n];
        String[] sites = new String[n];
        Integer[] attempts = new Integer[n];
        String[] statuses = new String[n];
        String[] errors = new String[n];
        Integer[] operationCounts = new Integer[n];
        String[] acceptedAt = new String[n];
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            Claim c = claims.get(i);
            ids[i] = UUID.fromString(c.transactionId());
            sites[i] = c.site();
            attempts[i] = c.attempt();
            statuses[i] = c.error() == null ? "APPLIED" : "FAILED";
            errors[i] = c.error();
            operationCounts[i] = c.operationCount();
            acceptedAt[i] = c.acceptedAt().toString();
            topics[i] = c.topic();
            partitions[i] = c.partition();
            offsets[i] = c.offset();
        }
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement claim = connection.prepareStatement(LEDGER_CLAIM)) {
            claim.setArray(1, connection.createArrayOf("uuid", ids));
            claim.setArray(2, connection.createArrayOf("text", sites));
            claim.setArray(3, connection.createArrayOf("int4", attempts));
            claim.setArray(4, connection.createArrayOf("text", statuses));
            claim.setArray(5, connection.createArrayOf("text", errors));
            claim.setArray(6, connection.createArrayOf("int4", operationCounts));
            claim.setArray(7, connection.createArrayOf("text", acceptedAt));
            claim.setArray(8, connection.createArrayOf("text", topics));
            claim.setArray(9, connection.createArrayOf("int4", partitions));
            claim.setArray(10, connection.createArrayOf("int8", offsets));
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    claimed.add(rows.getString(1));
                }
            }
        }
        return claimed;
    }

    /** A ledger row as claimed: APPLIED, or FAILED with {@code error}. */
    private record Claim(
            String transactionId,
            String site,
            int attempt,
            String error,
            int operationCount,
            Instant acceptedAt,
            String topic,
            int partition,
            long offset) {}

    private static void applyOperations(Connection connection, List<Prepared> prepared) throws SQLException {
        List<BoundOperation> operations = new ArrayList<>();
        for (Prepared p : prepared) {
            if (p.error == null) {
                operations.addAll(p.operations);
            }
        }
        int start = 0;
        while (start < operations.size()) {
            String sql = operations.get(start).sql();
            int end = start;
            while (end < operations.size() && operations.get(end).sql().equals(sql)) {
                end++;
            }
            List<BoundOperation> run = operations.subList(start, end);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (BoundOperation operation : run) {
                    operation.bind(statement);
                    statement.addBatch();
                }
                int[] counts = statement.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (run.get(i).mustTouchOneRow() && counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
                        throw new InvalidCommandException(run.get(i).target() + " does not exist");
                    }
                }
            }
            start = end;
        }
    }

    /** Keeps a FAILED command as it was read, so an operator can inspect it and a retry can apply it again. */
    private static void writeDeadLetter(Connection connection, Claim failed, byte[] payload) throws SQLException {
        try (PreparedStatement deadLetter = connection.prepareStatement(DEAD_LETTER_UPSERT)) {
            deadLetter.setString(1, failed.transactionId());
            deadLetter.setInt(2, failed.attempt());
            deadLetter.setString(3, failed.topic());
            deadLetter.setInt(4, failed.partition());
            deadLetter.setLong(5, failed.offset());
            deadLetter.setString(6, failed.error());
            deadLetter.setBytes(7, payload);
            deadLetter.executeUpdate();
        }
    }

    /** A command with its statements bound, or the reason it cannot be applied. */
    private static final class Prepared {
        final IncomingCommand incoming;
        final List<BoundOperation> operations;
        final String error;

        private Prepared(IncomingCommand incoming, List<BoundOperation> operations, String error) {
            this.incoming = incoming;
            this.operations = operations;
            this.error = error;
        }

        static Prepared of(IncomingCommand incoming) {
            try {
                return new Prepared(
                        incoming,
                        incoming.command().getOperations().stream()
                                .map(BoundOperation::of)
                                .toList(),
                        null);
            } catch (InvalidCommandException e) {
                return new Prepared(incoming, List.of(), e.getMessage());
            }
        }

        Prepared failed(String reason) {
            return new Prepared(incoming, List.of(), reason);
        }

        Claim claim() {
            WriteCommand command = incoming.command();
            return new Claim(
                    incoming.transactionId(),
                    command.getSite(),
                    command.getAttempt(),
                    error,
                    command.getOperations().size(),
                    command.getAcceptedAt(),
                    incoming.topic(),
                    incoming.partition(),
                    incoming.offset());
        }
    }
}
