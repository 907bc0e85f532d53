package io.opsdb.relay.main.internal.ledger;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.main.internal.apply.CommandApplier;
import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.site.spring.SiteBeans;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The main site's ledger as operators use it: the status of every transaction applied here (from any
 * site, or written directly), lists by state, and the two actions on a FAILED one. A retry applies the
 * command kept as its dead letter again through the {@link CommandApplier}, with the next attempt, so it
 * is recorded like any delivery; a discard sets it aside. Both record who and when on the ledger row.
 *
 * <p>Transaction states are kept as long as the ledger is: nothing expires.
 */
@Component
public class RelayLedger {

    private static final Logger LOG = LoggerFactory.getLogger(RelayLedger.class);

    /** Lists start after this id: the smallest UUID. */
    private static final String BEFORE_FIRST = "00000000-0000-0000-0000-000000000000";

    private static final String COLUMNS = """
            transaction_id::text, site, status, attempt, error, accepted_at, applied_at, source_topic,
            source_partition, source_offset, retried_by, retried_at, discarded_by, discarded_at""";

    private final JdbcTemplate primary;
    private final CommandApplier applier;
    private final MessageCodec<WriteCommand> commands = RelayCodecs.writeCommands();

    RelayLedger(@Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary, CommandApplier applier) {
        this.primary = primary;
        this.applier = applier;
    }

    /** A transaction by id; empty when the ledger has none (not applied yet, or not a transaction id). */
    public Optional<LedgerEntry> find(String transactionId) {
        if (!isUuid(transactionId)) {
            return Optional.empty();
        }
        return primary
                .query(
                        "SELECT " + COLUMNS + " FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)",
                        RelayLedger::entry,
                        transactionId)
                .stream()
                .findFirst();
    }

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page (a cursor), or null for the first page
     */
    public List<LedgerEntry> list(LedgerState state, String afterTransactionId, int limit) {
        String after = afterTransactionId == null ? BEFORE_FIRST : afterTransactionId;
        // FAILED and DISCARDED read the partial index relay_ledger_failed; APPLIED (nearly every row) the key.
        return primary.query(
                "SELECT " + COLUMNS + " FROM relay_ledger WHERE " + predicate(state)
                        + " AND transaction_id > CAST(? AS uuid) ORDER BY transaction_id LIMIT ?",
                RelayLedger::entry,
                after,
                limit);
    }

    /** How many transactions are FAILED or DISCARDED (read from a small partial index). */
    public long count(LedgerState state) {
        if (state == LedgerState.APPLIED) {
            throw new IllegalArgumentException(
                    "APPLIED transactions are not counted: that would read the whole ledger");
        }
        Long count = primary.queryForObject("SELECT count(*) FROM relay_ledger WHERE " + predicate(state), Long.class);
        return count == null ? 0 : count;
    }

    private static String predicate(LedgerState state) {
        return switch (state) {
            case APPLIED -> "status = 'APPLIED'";
            case FAILED -> "status = 'FAILED' AND discarded_at IS NULL";
            case DISCARDED -> "status = 'FAILED' AND discarded_at IS NOT NULL";
        };
    }

    /**
     * The command of a FAILED transaction as it was kept when it failed (its latest failed attempt); empty when none
     * was kept, or what was kept is not a readable command (it failed for that).
     */
    public Optional<WriteCommand> failedCommand(String transactionId) {
        if (!isUuid(transactionId)) {
            return Optional.empty();
        }
        return primary
                .query(
                        "SELECT payload FROM relay_dead_letter WHERE transaction_id = CAST(? AS uuid)",
                        (rs, n) -> rs.getBytes(1),
                        transactionId)
                .stream()
                .findFirst()
                .flatMap(this::readable);
    }

    private Optional<WriteCommand> readable(byte[] payload) {
        try {
            return Optional.of(commands.decode(payload));
        } catch (MessageDecodingException e) {
            return Optional.empty();
        }
    }

    /**
     * Applies a FAILED transaction's command again, with the next attempt, once its cause is fixed. It ends
     * APPLIED, or FAILED again with the new reason.
     *
     * @param by who retries it
     * @return the transaction after the retry; empty when there is no such transaction
     * @throws LedgerActionRefusedException when it is not FAILED, or its command was not kept
     * @throws RuntimeException a transient database failure: the retry is recorded, but nothing was applied
     */
    public Optional<LedgerEntry> retry(String transactionId, String by) {
        Optional<LedgerEntry> found = find(transactionId);
        if (found.isEmpty()) {
            return found;
        }
        LedgerEntry entry = requireFailed(found.get(), "retried");
        WriteCommand original = failedCommand(transactionId)
                .orElseThrow(() -> new LedgerActionRefusedException(
                        "Transaction " + transactionId
                                + " failed before its command was kept, or its command could not be read: "
                                + "it cannot be retried here (its site can retry it).",
                        entry.state()));
        int attempt = entry.attempt() + 1;
        int marked = primary.update("""
                UPDATE relay_ledger SET retried_at = clock_timestamp(), retried_by = ?
                WHERE transaction_id = CAST(? AS uuid) AND status = 'FAILED' AND discarded_at IS NULL AND attempt = ?""", by, transactionId, entry.attempt());
        if (marked == 0) {
            // Retried, discarded or applied by someone else since it was read.
            return Optional.of(requireFailed(find(transactionId).orElseThrow(), "retried"));
        }
        LOG.info(
                "Transaction {} from {} retried by {} as attempt {} (it failed: {})",
                transactionId,
                entry.site(),
                by,
                attempt,
                entry.error());
        WriteCommand again =
                WriteCommand.newBuilder(original).setAttempt(attempt).build();
        applier.apply(List.of(
                new IncomingCommand(entry.sourceTopic(), entry.sourcePartition(), entry.sourceOffset(), again)));
        return find(transactionId);
    }

    /**
     * Sets a FAILED transaction aside: it becomes DISCARDED and is never applied by this site.
     *
     * @param by who discards it
     * @return the transaction, DISCARDED; empty when there is no such transaction
     * @throws LedgerActionRefusedException when it is not FAILED
     */
    public Optional<LedgerEntry> discard(String transactionId, String by) {
        if (!isUuid(transactionId)) {
            return Optional.empty();
        }
        int marked = primary.update("""
                UPDATE relay_ledger SET discarded_at = clock_timestamp(), discarded_by = ?
                WHERE transaction_id = CAST(? AS uuid) AND status = 'FAILED' AND discarded_at IS NULL""", by, transactionId);
        Optional<LedgerEntry> entry = find(transactionId);
        if (marked == 0) {
            entry.ifPresent(e -> requireFailed(e, "discarded"));
            return entry;
        }
        entry.ifPresent(e -> LOG.info(
                "Transaction {} from {} discarded by {} (it failed: {})", transactionId, e.site(), by, e.error()));
        return entry;
    }

    private static LedgerEntry requireFailed(LedgerEntry entry, String action) {
        if (!entry.state().acceptsOperatorAction()) {
            throw new LedgerActionRefusedException(
                    "Transaction " + entry.transactionId() + " is " + entry.state()
                            + ": only a FAILED transaction can be " + action + ".",
                    entry.state());
        }
        return entry;
    }

    private static LedgerEntry entry(ResultSet rs, int row) throws SQLException {
        Instant discardedAt = instant(rs, 14);
        return new LedgerEntry(
                rs.getString(1),
                rs.getString(2),
                LedgerState.of(rs.getString(3), discardedAt != null),
                rs.getInt(4),
                rs.getString(5),
                instant(rs, 6),
                instant(rs, 7),
                rs.getString(8),
                rs.getInt(9),
                rs.getLong(10),
                rs.getString(11),
                instant(rs, 12),
                rs.getString(13),
                discardedAt);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static boolean isUuid(String text) {
        try {
            return text != null
                    && text.length() == 36
                    && UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
