package io.opsdb.relay.app.transaction;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;

import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;

/**
 * The transactions a site answers for, as the API shows them, and what an operator may do with a FAILED one: a
 * secondary answers for its own transactions, the main site for every transaction applied there (from any site,
 * or written directly), where an applied transaction is already VISIBLE. Its role knows them; here they become the
 * API's bodies and its refusals the API's problems.
 */
@Component
public class SiteTransactions {

    private final SiteRole role;

    SiteTransactions(SiteRole role) {
        this.role = role;
    }

    /** A transaction's status, as {@code GET /api/transactions/{id}} shows it. */
    public Optional<Map<String, Object>> find(String transactionId) {
        return role.find(transactionId).map(SiteTransactions::view);
    }

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page, or null for the first
     */
    public List<Map<String, Object>> list(TransactionState state, String afterTransactionId, int limit) {
        return role.list(state, afterTransactionId, limit).stream().map(SiteTransactions::view).toList();
    }

    /**
     * Tries a FAILED transaction again (once its cause is fixed) as its next attempt.
     *
     * @param by who retries it
     * @return its status after the retry
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED, 503 when the local
     *         buffer or the primary cannot take it now (nothing changed then)
     */
    public Map<String, Object> retry(String transactionId, String by) {
        try {
            return view(role.retry(transactionId, by).orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        }
        catch (OperatorActionRefusedException e) {
            throw RequestProblem.conflict(e.getMessage());
        }
        catch (SiteUnavailableException e) {
            throw RequestProblem.unavailable(e.getMessage());
        }
    }

    /**
     * Sets a FAILED transaction aside for good: it becomes DISCARDED.
     *
     * @param by who discards it
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED
     */
    public Map<String, Object> discard(String transactionId, String by) {
        try {
            return view(role.discard(transactionId, by).orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        }
        catch (OperatorActionRefusedException e) {
            throw RequestProblem.conflict(e.getMessage());
        }
    }

    /**
     * True when this site reports transactions before they settle, so that waiting for one ({@code ?wait=visible})
     * means something; false at the main site, where a transaction it reports is settled.
     */
    public boolean reportsUnsettled() {
        return role.reportsUnsettled();
    }

    /** Completes, on the role's thread, when a transaction {@link #find} knows is VISIBLE, FAILED or DISCARDED. */
    public CompletableFuture<TransactionStatus> whenSettled(String transactionId) {
        return role.whenSettled(transactionId);
    }

    /**
     * The API's view of a transaction: the same fields at both site types, where they apply; {@code site} only at
     * the main site (which answers for every site's), {@code sequence} only at a secondary.
     */
    static Map<String, Object> view(TransactionStatus tx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction_id", tx.transactionId());
        body.put("state", tx.state().name());
        if (tx.site() != null) {
            body.put("site", tx.site());
        }
        if (tx.sequence() != null) {
            body.put("sequence", tx.sequence());
        }
        body.put("attempt", tx.attempt());
        body.put("commit_lsn", tx.commitLsn() == null ? null : tx.commitLsn().asString());
        body.put("error", tx.error());
        body.put("acknowledged_at", text(tx.acknowledgedAt()));
        body.put("applied_at", text(tx.appliedAt()));
        body.put("visible_at", text(tx.visibleAt()));
        body.put("retried_by", tx.retriedBy());
        body.put("retried_at", text(tx.retriedAt()));
        body.put("discarded_by", tx.discardedBy());
        body.put("discarded_at", text(tx.discardedAt()));
        return body;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
