package io.opsdb.relay.app.transaction;

import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;

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
    public Optional<TransactionView> find(String transactionId) {
        return role.find(transactionId).map(TransactionView::of);
    }

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page, or null for the first
     */
    public List<TransactionView> list(TransactionState state, String afterTransactionId, int limit) {
        return role.list(state, afterTransactionId, limit).stream()
                .map(TransactionView::of)
                .toList();
    }

    /**
     * Tries a FAILED transaction again (once its cause is fixed) as its next attempt.
     *
     * @param by who retries it
     * @return its status after the retry
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED, 503 when the local
     *         buffer or the primary cannot take it now (nothing changed then)
     */
    public TransactionView retry(String transactionId, String by) {
        try {
            return TransactionView.of(role.retry(transactionId, by)
                    .orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        } catch (OperatorActionRefusedException e) {
            throw RequestProblem.conflict(e.getMessage());
        } catch (SiteUnavailableException e) {
            throw RequestProblem.unavailable(e.getMessage());
        }
    }

    /**
     * Sets a FAILED transaction aside for good: it becomes DISCARDED.
     *
     * @param by who discards it
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED
     */
    public TransactionView discard(String transactionId, String by) {
        try {
            return TransactionView.of(role.discard(transactionId, by)
                    .orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId)));
        } catch (OperatorActionRefusedException e) {
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
}
