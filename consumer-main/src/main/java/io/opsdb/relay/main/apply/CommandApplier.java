package io.opsdb.relay.main.apply;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.WriteCommand;

/**
 * Applies commands to the primary, each with its ledger row in the same database transaction, so a
 * command is applied at most once whatever the number of deliveries and at least once because its
 * offset is committed only after the database transaction.
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

    private static final String LEDGER_UPSERT = """
            INSERT INTO relay_ledger (transaction_id, site, attempt, status, error, operation_count, accepted_at,
                                      source_topic, source_partition, source_offset)
            VALUES (CAST(? AS uuid), ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (transaction_id) DO UPDATE SET
                site = excluded.site, attempt = excluded.attempt, status = excluded.status, error = excluded.error,
                operation_count = excluded.operation_count, accepted_at = excluded.accepted_at,
                applied_at = clock_timestamp(), source_topic = excluded.source_topic,
                source_partition = excluded.source_partition, source_offset = excluded.source_offset
            WHERE relay_ledger.attempt < excluded.attempt""";

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

    private static final MessageCodec<WriteCommand> COMMANDS = RelayCodecs.writeCommands();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ApplyListener listener;

    public CommandApplier(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this(jdbc, transactions, ApplyListener.NONE);
    }

    /** @param listener told of each command once its ledger row is committed */
    public CommandApplier(JdbcTemplate jdbc, TransactionTemplate transactions, ApplyListener listener) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.listener = listener;
    }

    /**
     * What one call did.
     *
     * @param failures the reason of each command recorded FAILED, by transaction id
     */
    public record ApplyReport(int applied, int failed, int duplicates, Map<String, String> failures) {
    }

    /**
     * Applies commands in order.
     *
     * @throws RuntimeException a transient failure: nothing of this call that is not in the ledger was applied
     */
    public ApplyReport apply(List<IncomingCommand> commands) {
        List<IncomingCommand> fresh = withoutDuplicates(commands);
        int duplicates = commands.size() - fresh.size();
        if (fresh.isEmpty()) {
            return new ApplyReport(0, 0, duplicates, Map.of());
        }
        List<Prepared> prepared = fresh.stream().map(Prepared::of).toList();
        try {
            inTransaction(prepared);
            committed(prepared);
            return report(prepared, duplicates);
        }
        catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw e;
            }
            LOG.info("Batch of {} commands failed permanently ({}); applying them one by one",
                    prepared.size(), SqlFailureClassifier.reason(e));
        }
        for (int i = 0; i < prepared.size(); i++) {
            Prepared one = prepared.get(i);
            try {
                inTransaction(List.of(one));
                committed(List.of(one));
            }
            catch (RuntimeException e) {
                if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                    throw e;
                }
                Prepared failed = one.failed(SqlFailureClassifier.reason(e));
                prepared = replace(prepared, i, failed);
                inTransaction(List.of(failed));
                committed(List.of(failed));
            }
        }
        return report(prepared, duplicates);
    }

    // Told per commit rather than per call: a transient failure later in the same call throws, and the
    // commands committed before it are skipped as duplicates on the retry, so they are told only here.
    private void committed(List<Prepared> prepared) {
        for (Prepared p : prepared) {
            if (p.error == null) {
                listener.applied(p.incoming);
            }
            else {
                listener.failed(p.incoming, p.error);
            }
        }
    }

    private static List<Prepared> replace(List<Prepared> list, int index, Prepared element) {
        List<Prepared> copy = new ArrayList<>(list);
        copy.set(index, element);
        return copy;
    }

    private ApplyReport report(List<Prepared> prepared, int duplicates) {
        Map<String, String> failures = new LinkedHashMap<>();
        for (Prepared p : prepared) {
            if (p.error != null) {
                failures.put(p.incoming.transactionId(), p.error);
                LOG.warn("Transaction {} from {} FAILED: {}", p.incoming.transactionId(), p.incoming.command().getSite(), p.error);
            }
        }
        return new ApplyReport(prepared.size() - failures.size(), failures.size(), duplicates, failures);
    }

    /** Drops commands whose transaction is in the ledger at the same or a later attempt, or repeated in this batch. */
    private List<IncomingCommand> withoutDuplicates(List<IncomingCommand> commands) {
        Map<String, Integer> ledgerAttempts = ledgerAttempts(commands);
        Map<String, IncomingCommand> fresh = new LinkedHashMap<>();
        for (IncomingCommand c : commands) {
            int attempt = c.command().getAttempt();
            Integer known = ledgerAttempts.get(c.transactionId());
            IncomingCommand earlier = fresh.get(c.transactionId());
            if ((known == null || known < attempt) && (earlier == null || earlier.command().getAttempt() < attempt)) {
                fresh.put(c.transactionId(), c);
            }
        }
        return new ArrayList<>(fresh.values());
    }

    private Map<String, Integer> ledgerAttempts(List<IncomingCommand> commands) {
        UUID[] ids = commands.stream().map(c -> UUID.fromString(c.transactionId())).distinct().toArray(UUID[]::new);
        return jdbc.execute((ConnectionCallback<Map<String, Integer>>) connection -> {
            Map<String, Integer> attempts = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT transaction_id, attempt FROM relay_ledger WHERE transaction_id = ANY (?)")) {
                Array array = connection.createArrayOf("uuid", ids);
                select.setArray(1, array);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        attempts.put(rows.getString(1), rows.getInt(2));
                    }
                }
            }
            return attempts;
        });
    }

    private void inTransaction(List<Prepared> prepared) {
        transactions.executeWithoutResult(status -> jdbc.execute((ConnectionCallback<Void>) connection -> {
            lockRetriedTransactions(connection, prepared);
            applyOperations(connection, prepared);
            writeLedger(connection, prepared);
            writeDeadLetters(connection, prepared);
            return null;
        }));
    }

    /**
     * A retry (attempt above 1) can be applied by two paths at once: its site's buffer, through the listener,
     * and an operator's retry at the main site. Each locks the FAILED row first and finds out whether the other
     * got there before it: then it rolls back as a transient failure and is skipped as a duplicate on the next
     * try. First attempts need no lock: only the listener delivers them, one at a time.
     */
    private static void lockRetriedTransactions(Connection connection, List<Prepared> prepared) throws SQLException {
        Map<String, Integer> attempts = new HashMap<>();
        for (Prepared p : prepared) {
            if (p.incoming.command().getAttempt() > 1) {
                attempts.put(p.incoming.transactionId(), p.incoming.command().getAttempt());
            }
        }
        if (attempts.isEmpty()) {
            return;
        }
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT transaction_id::text, attempt FROM relay_ledger WHERE transaction_id = ANY (?) FOR UPDATE")) {
            lock.setArray(1, connection.createArrayOf("uuid", attempts.keySet().stream().map(UUID::fromString).toArray()));
            try (ResultSet rows = lock.executeQuery()) {
                while (rows.next()) {
                    if (rows.getInt(2) >= attempts.get(rows.getString(1))) {
                        throw new ConcurrentAttemptException("attempt " + attempts.get(rows.getString(1)) + " of transaction "
                                + rows.getString(1) + " was recorded meanwhile by another path");
                    }
                }
            }
        }
    }

    /** Another path recorded the same attempt first; trying again finds it a duplicate. */
    static final class ConcurrentAttemptException extends TransientDataAccessException {
        ConcurrentAttemptException(String message) {
            super(message);
        }
    }

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

    private static void writeLedger(Connection connection, List<Prepared> prepared) throws SQLException {
        try (PreparedStatement ledger = connection.prepareStatement(LEDGER_UPSERT)) {
            for (Prepared p : prepared) {
                IncomingCommand in = p.incoming;
                ledger.setString(1, in.transactionId());
                ledger.setString(2, in.command().getSite());
                ledger.setInt(3, in.command().getAttempt());
                ledger.setString(4, p.error == null ? "APPLIED" : "FAILED");
                ledger.setString(5, p.error);
                ledger.setInt(6, in.command().getOperations().size());
                ledger.setObject(7, OffsetDateTime.ofInstant(in.command().getAcceptedAt(), ZoneOffset.UTC));
                ledger.setString(8, in.topic());
                ledger.setInt(9, in.partition());
                ledger.setLong(10, in.offset());
                ledger.addBatch();
            }
            ledger.executeBatch();
        }
    }

    /** Keeps each FAILED command as it was read, so an operator can inspect it and a retry can apply it again. */
    private static void writeDeadLetters(Connection connection, List<Prepared> prepared) throws SQLException {
        List<Prepared> failed = prepared.stream().filter(p -> p.error != null).toList();
        if (failed.isEmpty()) {
            return;
        }
        try (PreparedStatement deadLetter = connection.prepareStatement(DEAD_LETTER_UPSERT)) {
            for (Prepared p : failed) {
                IncomingCommand in = p.incoming;
                deadLetter.setString(1, in.transactionId());
                deadLetter.setInt(2, in.command().getAttempt());
                deadLetter.setString(3, in.topic());
                deadLetter.setInt(4, in.partition());
                deadLetter.setLong(5, in.offset());
                deadLetter.setString(6, p.error);
                deadLetter.setBytes(7, in.payload() != null ? in.payload() : COMMANDS.encode(in.command()));
                deadLetter.addBatch();
            }
            deadLetter.executeBatch();
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
                return new Prepared(incoming, incoming.command().getOperations().stream().map(BoundOperation::of).toList(), null);
            }
            catch (InvalidCommandException e) {
                return new Prepared(incoming, List.of(), e.getMessage());
            }
        }

        Prepared failed(String reason) {
            return new Prepared(incoming, List.of(), reason);
        }
    }
}
