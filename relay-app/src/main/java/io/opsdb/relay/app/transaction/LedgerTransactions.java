package io.opsdb.relay.app.transaction;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.stereotype.Component;

import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.main.apply.FailureKind;
import io.opsdb.relay.main.apply.SqlFailureClassifier;
import io.opsdb.relay.main.ledger.LedgerActionRefusedException;
import io.opsdb.relay.main.ledger.LedgerEntry;
import io.opsdb.relay.main.ledger.LedgerState;
import io.opsdb.relay.main.ledger.RelayLedger;
import io.opsdb.relay.secondary.transaction.TransactionState;
import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;

/**
 * The main site's transactions, from its ledger. The main site writes straight to its own database, so an
 * applied transaction is VISIBLE here and none is ever BUFFERED or APPLIED-but-not-visible. A retry applies
 * the command kept when it failed again, with the next attempt.
 */
@Component
@ConditionalOnSiteType(SiteType.MAIN)
class LedgerTransactions implements SiteTransactions {

    private final RelayLedger ledger;

    LedgerTransactions(RelayLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Optional<Map<String, Object>> find(String transactionId) {
        return ledger.find(transactionId).map(LedgerTransactions::view);
    }

    @Override
    public List<Map<String, Object>> list(TransactionState state, String afterTransactionId, int limit) {
        LedgerState inLedger = switch (state) {
            case VISIBLE -> LedgerState.APPLIED;
            case FAILED -> LedgerState.FAILED;
            case DISCARDED -> LedgerState.DISCARDED;
            case BUFFERED, APPLIED -> null;
        };
        if (inLedger == null) {
            return List.of();
        }
        return ledger.list(inLedger, afterTransactionId, limit).stream().map(LedgerTransactions::view).toList();
    }

    @Override
    public Map<String, Object> retry(String transactionId, String by) {
        try {
            return view(ledger.retry(transactionId, by).orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        }
        catch (LedgerActionRefusedException e) {
            throw conflict(transactionId, "retried", e);
        }
        catch (RequestProblem e) {
            throw e;
        }
        catch (RuntimeException e) {
            if (SqlFailureClassifier.classify(e) == FailureKind.TRANSIENT) {
                throw RequestProblem.unavailable("The main database could not apply it now (" + SqlFailureClassifier.reason(e)
                        + "). The transaction was not applied; retry later.");
            }
            throw e;
        }
    }

    @Override
    public Map<String, Object> discard(String transactionId, String by) {
        try {
            return view(ledger.discard(transactionId, by).orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        }
        catch (LedgerActionRefusedException e) {
            throw conflict(transactionId, "discarded", e);
        }
    }

    /** Said in the API's states: an applied transaction is VISIBLE here. */
    private static RequestProblem conflict(String transactionId, String action, LedgerActionRefusedException e) {
        if (e.state().acceptsOperatorAction()) {
            return RequestProblem.conflict(e.getMessage());
        }
        return RequestProblem.conflict("Transaction " + transactionId + " is " + apiState(e.state())
                + ": only a FAILED transaction can be " + action + ".");
    }

    private static String apiState(LedgerState state) {
        return state == LedgerState.APPLIED ? TransactionState.VISIBLE.name() : state.name();
    }

    /** The API's view of a ledger row: the same fields as at a secondary, where they apply. */
    static Map<String, Object> view(LedgerEntry entry) {
        boolean applied = entry.state() == LedgerState.APPLIED;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction_id", entry.transactionId());
        body.put("state", apiState(entry.state()));
        body.put("site", entry.site());
        body.put("attempt", entry.attempt());
        body.put("commit_lsn", null);
        body.put("error", entry.error());
        body.put("acknowledged_at", text(entry.acceptedAt()));
        body.put("applied_at", text(entry.appliedAt()));
        body.put("visible_at", applied ? text(entry.appliedAt()) : null);
        body.put("retried_by", entry.retriedBy());
        body.put("retried_at", text(entry.retriedAt()));
        body.put("discarded_by", entry.discardedBy());
        body.put("discarded_at", text(entry.discardedAt()));
        return body;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
