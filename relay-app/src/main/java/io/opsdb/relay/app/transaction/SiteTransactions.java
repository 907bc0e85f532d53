package io.opsdb.relay.app.transaction;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.secondary.transaction.TransactionState;

/**
 * The transactions a site answers for, as the API shows them, and what an operator may do with a FAILED
 * one. A secondary answers from its transaction tracker (its own transactions); the main site from its
 * ledger (every transaction applied there, from any site or written directly), where an applied
 * transaction is already VISIBLE.
 */
public interface SiteTransactions {

    /** A transaction's status, as {@code GET /api/transactions/{id}} shows it. */
    Optional<Map<String, Object>> find(String transactionId);

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page, or null for the first
     */
    List<Map<String, Object>> list(TransactionState state, String afterTransactionId, int limit);

    /**
     * Tries a FAILED transaction again (once its cause is fixed) as its next attempt.
     *
     * @param by who retries it
     * @return its status after the retry
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED, 503 when the local
     *         buffer or the primary cannot take it now (nothing changed then)
     */
    Map<String, Object> retry(String transactionId, String by);

    /**
     * Sets a FAILED transaction aside for good: it becomes DISCARDED.
     *
     * @param by who discards it
     * @throws RequestProblem 404 for an unknown transaction, 409 when it is not FAILED
     */
    Map<String, Object> discard(String transactionId, String by);
}
