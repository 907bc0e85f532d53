package io.opsdb.relay.main;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.main.internal.apply.CommandApplier;
import io.opsdb.relay.main.internal.apply.FailureKind;
import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.main.internal.apply.SqlFailureClassifier;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.WriteRefusedException;
import io.opsdb.relay.role.WriteRequest;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@link PrimaryWrites} through the {@link CommandApplier}: a direct write is applied as any command is, ledger row included. */
final class ApplierPrimaryWrites implements PrimaryWrites {

    /** Where direct writes are recorded in the ledger instead of a topic. */
    static final String DIRECT = "direct";

    private final CommandApplier applier;
    private final JdbcTemplate primary;
    private final String site;

    ApplierPrimaryWrites(CommandApplier applier, JdbcTemplate primary, String site) {
        this.applier = applier;
        this.primary = primary;
        this.site = site;
    }

    @Override
    public Lsn write(WriteRequest request, Instant acceptedAt) {
        String transactionId = request.transactionId();
        CommandApplier.ApplyReport report;
        Lsn commitLsn;
        try {
            report = applier.apply(List.of(new IncomingCommand(DIRECT, -1, -1, request.command(site, acceptedAt))));
            // The commit is behind us: the primary's current position is at or past its end.
            commitLsn = Lsn.valueOf(primary.queryForObject("SELECT pg_current_wal_lsn()::text", String.class));
        } catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw new SiteUnavailableException(
                        "The main database is not reachable (" + SqlFailureClassifier.reason(e)
                                + "). Nothing was written; retry later.",
                        e);
            }
            throw e;
        }
        String reason = report.failures().get(transactionId);
        if (report.duplicates() > 0) {
            // An Idempotency-Key's retry of a transaction already in the ledger: answer as the ledger has it.
            reason = primary.queryForObject(
                    "SELECT CASE WHEN status = 'FAILED' THEN coalesce(error, 'failed') END"
                            + " FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)",
                    String.class,
                    transactionId);
        }
        if (reason != null) {
            throw new WriteRefusedException(transactionId, reason);
        }
        return commitLsn;
    }
}
