package io.opsdb.relay.main;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.main.internal.apply.FailureKind;
import io.opsdb.relay.main.internal.apply.SiteAppliers;
import io.opsdb.relay.main.internal.apply.SqlFailureClassifier;
import io.opsdb.relay.main.internal.ledger.LedgerActionRefusedException;
import io.opsdb.relay.main.internal.ledger.LedgerEntry;
import io.opsdb.relay.main.internal.ledger.LedgerState;
import io.opsdb.relay.main.internal.ledger.RelayLedger;
import io.opsdb.relay.main.internal.outcome.LedgerCapture;
import io.opsdb.relay.role.BufferFigures;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.IdempotencyRecords;
import io.opsdb.relay.role.InFlightOverlay;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.role.SiteProbes;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.role.WriteResult;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The main site's role. Every write goes straight to the primary, which is also the database this site reads, so a
 * transaction is VISIBLE once written and none is ever BUFFERED or APPLIED-but-not-visible here. It answers for
 * every transaction applied here, from any site or written directly, from its ledger; a retry applies the command
 * kept when it failed again, with the next attempt.
 */
@Component
class MainSiteRole implements SiteRole {

    private final PrimaryWrites primary;
    private final RelayLedger ledger;
    private final PrimaryIdempotencyRecords keys;
    private final ApplyEvents applyEvents;
    private final SiteAppliers appliers;
    private final LedgerCapture capture;
    private final SiteProbes probes;
    private final BufferFigures ledgerFigures = new LedgerFigures();

    MainSiteRole(
            PrimaryWrites primary,
            RelayLedger ledger,
            PrimaryIdempotencyRecords keys,
            ApplyEvents applyEvents,
            SiteAppliers appliers,
            LedgerCapture capture,
            SiteProbes probes) {
        this.primary = primary;
        this.ledger = ledger;
        this.keys = keys;
        this.applyEvents = applyEvents;
        this.appliers = appliers;
        this.capture = capture;
        this.probes = probes;
    }

    @Override
    public WriteResult write(WriteRequest request) {
        if (request.isIdempotent()) {
            // No earlier transaction to look for first: the ledger claim skips one already applied, and the
            // direct write then answers as the ledger has it.
            keys.claim(request.transactionId(), request.clientRequest());
        }
        Lsn commitLsn = primary.write(request, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        return new WriteResult(request.transactionId(), TransactionState.VISIBLE, commitLsn);
    }

    @Override
    public Optional<TransactionStatus> find(String transactionId) {
        return ledger.find(transactionId).map(MainSiteRole::status);
    }

    @Override
    public List<TransactionStatus> list(TransactionState state, String afterTransactionId, int limit) {
        LedgerState inLedger = switch (state) {
            case VISIBLE -> LedgerState.APPLIED;
            case FAILED -> LedgerState.FAILED;
            case DISCARDED -> LedgerState.DISCARDED;
            case BUFFERED, APPLIED -> null;
        };
        if (inLedger == null) {
            return List.of();
        }
        return ledger.list(inLedger, afterTransactionId, limit).stream()
                .map(MainSiteRole::status)
                .toList();
    }

    @Override
    public Optional<TransactionStatus> retry(String transactionId, String by) {
        try {
            return ledger.retry(transactionId, by).map(MainSiteRole::status);
        } catch (LedgerActionRefusedException e) {
            throw refused(transactionId, "retried", e);
        } catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw new SiteUnavailableException(
                        "The main database could not apply it now (" + SqlFailureClassifier.reason(e)
                                + "). The transaction was not applied; retry later.",
                        e);
            }
            throw e;
        }
    }

    @Override
    public Optional<TransactionStatus> discard(String transactionId, String by) {
        try {
            return ledger.discard(transactionId, by).map(MainSiteRole::status);
        } catch (LedgerActionRefusedException e) {
            throw refused(transactionId, "discarded", e);
        }
    }

    @Override
    public boolean reportsUnsettled() {
        return false;
    }

    /** A transaction in the ledger is settled: there is nothing to wait for. */
    @Override
    public CompletableFuture<TransactionStatus> whenSettled(String transactionId) {
        return CompletableFuture.completedFuture(find(transactionId).orElse(null));
    }

    @Override
    public InFlightOverlay overlay() {
        return InFlightOverlay.NONE;
    }

    /**
     * The main site cannot do its part without any of them: each is essential. The applier is every origin site's:
     * DOWN when one of them does not run, PAUSED when one waits out a pause ({@code /api/buffer} says which).
     */
    @Override
    public List<ComponentHealth> components() {
        ComponentHealth applier;
        if (!appliers.allRunning()) {
            applier = ComponentHealth.of("applier", false, true);
        } else if (appliers.anyPaused()) {
            // TRANSACTION_RETRY_ATTEMPTS retries failed; it tries again by itself after the pause.
            applier = new ComponentHealth("applier", ComponentHealth.State.PAUSED, true);
        } else {
            applier = ComponentHealth.of("applier", true, true);
        }
        // Without a site yet no consumer runs to tell: the listing of the cluster's topics does.
        boolean kafka = appliers.hasAppliedSites() ? probes.kafkaConnected() : appliers.clusterAnswers();
        return List.of(
                ComponentHealth.of("database", probes.databaseReachable(), true),
                ComponentHealth.of("kafka", kafka, true),
                applier,
                ComponentHealth.of("outcome_stream", capture.isStreaming(), true));
    }

    @Override
    public BufferFigures buffer() {
        return ledgerFigures;
    }

    @Override
    public IdempotencyRecords idempotencyRecords() {
        return keys;
    }

    /** The applier tells {@code listener} of every command it settles, by the site that accepted it. */
    @Override
    public void addListener(TransactionEvents listener) {
        applyEvents.add(listener);
    }

    /** Said in the API's states: an applied transaction is VISIBLE here. */
    private static OperatorActionRefusedException refused(
            String transactionId, String action, LedgerActionRefusedException e) {
        if (e.state().acceptsOperatorAction()) {
            return new OperatorActionRefusedException(e.getMessage());
        }
        return new OperatorActionRefusedException("Transaction " + transactionId + " is " + apiState(e.state())
                + ": only a FAILED transaction can be " + action + ".");
    }

    private static TransactionState apiState(LedgerState state) {
        return switch (state) {
            case APPLIED -> TransactionState.VISIBLE;
            case FAILED -> TransactionState.FAILED;
            case DISCARDED -> TransactionState.DISCARDED;
        };
    }

    /** A ledger row as the API shows a transaction: the same fields as at a secondary, where they apply. */
    static TransactionStatus status(LedgerEntry entry) {
        Instant visibleAt = entry.state() == LedgerState.APPLIED ? entry.appliedAt() : null;
        return new TransactionStatus(
                entry.transactionId(),
                apiState(entry.state()),
                entry.site(),
                null,
                entry.attempt(),
                null,
                entry.error(),
                entry.acceptedAt(),
                entry.appliedAt(),
                visibleAt,
                entry.retriedBy(),
                entry.retriedAt(),
                entry.discardedBy(),
                entry.discardedAt());
    }

    /**
     * Nothing is in flight here and the database is the primary: the ledger's FAILED and DISCARDED counts vary, and
     * each origin site's applier.
     */
    private final class LedgerFigures implements BufferFigures {

        @Override
        public int inFlight() {
            return 0;
        }

        @Override
        public Duration oldestInFlightAge() {
            return Duration.ZERO;
        }

        @Override
        public Long failed() {
            return count(() -> ledger.count(LedgerState.FAILED));
        }

        @Override
        public Long discarded() {
            return count(() -> ledger.count(LedgerState.DISCARDED));
        }

        private Long count(Supplier<Long> counting) {
            try {
                return counting.get();
            } catch (DataAccessException e) {
                return null;
            }
        }

        @Override
        public Lsn replicaReplayPosition() {
            return null;
        }

        @Override
        public long replicaLagBytes() {
            return 0L;
        }

        @Override
        public Double replicaLagSeconds() {
            return 0.0;
        }

        @Override
        public List<OriginSiteFigures> originSites() {
            return appliers.figures();
        }
    }
}
