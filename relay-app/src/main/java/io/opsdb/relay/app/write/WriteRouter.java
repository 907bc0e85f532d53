package io.opsdb.relay.app.write;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.opsdb.relay.app.idempotency.IdempotencyRecords;
import io.opsdb.relay.app.idempotency.IdempotentWrite;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.main.apply.CommandApplier;
import io.opsdb.relay.main.apply.FailureKind;
import io.opsdb.relay.main.apply.IncomingCommand;
import io.opsdb.relay.main.apply.SqlFailureClassifier;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.secondary.write.BufferUnavailableException;
import io.opsdb.relay.secondary.write.CommandTooLargeException;
import io.opsdb.relay.secondary.write.CommandPublisher;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;

/**
 * Routes a validated write as the seed system did: at the main site straight to the primary; at a
 * secondary, critical writes into the site's Kafka buffer (when CRITICAL_OPERATIONS_BUFFER is on) and
 * everything else straight to the primary when it is reachable, or a 503 with the reason when it is not.
 */
@Component
public class WriteRouter {

    /** Where direct writes are recorded in the ledger instead of a topic. */
    static final String DIRECT = "direct";

    private final SiteConfiguration site;
    private final CommandApplier applier;
    private final JdbcTemplate primary;
    private final ObjectProvider<CommandPublisher> publisher;
    private final ObjectProvider<TransactionTracker> tracker;
    private final IdempotencyRecords keys;

    WriteRouter(SiteConfiguration site, CommandApplier applier, @Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary,
            ObjectProvider<CommandPublisher> publisher, ObjectProvider<TransactionTracker> tracker, IdempotencyRecords keys) {
        this.keys = keys;
        this.site = site;
        this.applier = applier;
        this.primary = primary;
        this.publisher = publisher;
        this.tracker = tracker;
    }

    /**
     * Writes {@code operations} as one transaction. A request with an Idempotency-Key ({@link IdempotentWrite}) has
     * its transaction id derived from the key: when that transaction exists already (an earlier attempt whose answer
     * was lost, or a 503 whose command reached the buffer after all) it is answered, not written again.
     */
    public WriteResult write(List<Operation> operations, WriteKind kind) {
        Optional<IdempotentWrite> idempotent = IdempotentWrite.current();
        String transactionId = idempotent.map(IdempotentWrite::transactionId).orElseGet(() -> UUID.randomUUID().toString());
        ClientRequest clientRequest = idempotent.map(write -> write.request().toClientRequest()).orElse(null);
        if (idempotent.isPresent()) {
            Optional<TrackedTransaction> earlier = site.isMainSite() ? Optional.empty() : tracker.getObject().find(transactionId);
            if (earlier.isPresent()) {
                return new WriteResult(transactionId, earlier.get().state().name(), earlier.get().commitLsn());
            }
            keys.claim(transactionId, idempotent.get().request());
        }
        if (kind == WriteKind.CRITICAL && site.buffersCriticalWrites()) {
            try {
                TrackedTransaction tx = publisher.getObject().publish(transactionId, operations, clientRequest);
                return new WriteResult(tx.transactionId(), tx.state().name(), tx.commitLsn());
            }
            catch (CommandTooLargeException e) {
                throw RequestProblem.tooLarge("body", e.getMessage());
            }
            catch (BufferUnavailableException e) {
                throw RequestProblem.unavailable(e.getMessage());
            }
        }
        return writeDirectly(transactionId, operations, clientRequest);
    }

    private WriteResult writeDirectly(String transactionId, List<Operation> operations, ClientRequest clientRequest) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        WriteCommand command = WriteCommand.newBuilder().setTransactionId(transactionId).setSite(site.siteName())
                .setAcceptedAt(now).setAttempt(1).setOperations(operations).setClientRequest(clientRequest).build();
        CommandApplier.ApplyReport report;
        Lsn commitLsn;
        try {
            report = applier.apply(List.of(new IncomingCommand(DIRECT, -1, -1, command)));
            // The commit is behind us: the primary's current position is at or past its end.
            commitLsn = Lsn.valueOf(primary.queryForObject("SELECT pg_current_wal_lsn()::text", String.class));
        }
        catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw RequestProblem.unavailable("The main database is not reachable (" + SqlFailureClassifier.reason(e)
                        + "). Nothing was written; retry later.");
            }
            throw e;
        }
        String reason = report.failures().get(transactionId);
        if (report.duplicates() > 0) {
            // An Idempotency-Key's retry of a transaction already in the ledger: answer as the ledger has it.
            reason = primary.queryForObject("SELECT CASE WHEN status = 'FAILED' THEN coalesce(error, 'failed') END"
                    + " FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)", String.class, transactionId);
        }
        if (reason != null) {
            throw RequestProblem.unprocessable("The main database refused the write: " + reason, transactionId);
        }
        if (site.isMainSite()) {
            return new WriteResult(transactionId, "VISIBLE", commitLsn);
        }
        // A secondary reads its replica: answer once the replica shows the write, so reads see it.
        TransactionTracker transactions = tracker.getObject();
        TrackedTransaction tx = transactions.appliedDirectly(transactionId, operations, commitLsn, now);
        try {
            tx = transactions.whenSettled(transactionId).get(site.lsnTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException | ExecutionException e) {
            tx = transactions.find(transactionId).orElse(tx);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new WriteResult(transactionId, tx.state().name(), commitLsn);
    }
}
