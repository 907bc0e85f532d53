package io.opsdb.relay.role;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a site does behind the operations API, which is the same at every site: SITE_TYPE selects the one
 * implementation in a running application. {@code consumer-main} implements the main site's role (every write
 * straight to the primary; every site's transactions from its ledger), {@code producer-secondary} a secondary's
 * (critical writes buffered in its Kafka cluster and followed until its replica shows them; the rest straight to
 * the primary). The application is written against this interface alone: it never asks which role it has, nor
 * reaches past it into a role's internals.
 *
 * <p>The two roles never depend on each other. Where a secondary needs the main site's code (a write straight to the
 * primary, applied as the main site's applier applies it), it uses a port of this module, {@link PrimaryWrites},
 * which {@code consumer-main} implements and the application's configuration hands to the secondary's role.
 * Likewise the application hands both roles its {@link SiteProbes}.
 *
 * <p>Refusals are exceptions of this module, each with a message fit for the client: {@link SiteUnavailableException}
 * (transient, 503), {@link TransactionTooLargeException} (413), {@link WriteRefusedException} (the primary refused a
 * direct write, 422), {@link OperatorActionRefusedException} (409).
 */
public interface SiteRole {

    /**
     * Writes one transaction: at the main site straight to the primary (answered VISIBLE); at a secondary a critical
     * one into the site's Kafka buffer when CRITICAL_OPERATIONS_BUFFER is on (answered BUFFERED once the local broker
     * has acknowledged it), anything else straight to the primary (answered once the replica shows it, or after
     * LSN_TIMEOUT with its state then). A request with an Idempotency-Key whose transaction this site already has is
     * answered from it, not written again.
     *
     * @throws TransactionTooLargeException when it is larger than one command may be: nothing was produced
     * @throws SiteUnavailableException when the local broker or the primary cannot take it now
     * @throws WriteRefusedException when the primary refused a direct write
     */
    WriteResult write(WriteRequest request);

    /** A transaction's status; empty for an unknown id (at a secondary also for one settled longer ago than its retention). */
    Optional<TransactionStatus> find(String transactionId);

    /**
     * One page of the transactions in {@code state}, in transaction id order.
     *
     * @param afterTransactionId the last id of the previous page, or null for the first
     */
    List<TransactionStatus> list(TransactionState state, String afterTransactionId, int limit);

    /**
     * Tries a FAILED transaction again (once its cause is fixed) as its next attempt under the same id: at a
     * secondary buffered again (BUFFERED), at the main site applied at once from its dead letter.
     *
     * @param by who retries it
     * @return its status after the retry; empty for an unknown transaction
     * @throws OperatorActionRefusedException when it is not FAILED (or its command was not kept)
     * @throws SiteUnavailableException when the local buffer or the primary cannot take it now: nothing changed
     */
    Optional<TransactionStatus> retry(String transactionId, String by);

    /**
     * Sets a FAILED transaction aside for good: it becomes DISCARDED.
     *
     * @param by who discards it
     * @return its status, DISCARDED; empty for an unknown transaction
     * @throws OperatorActionRefusedException when it is not FAILED
     */
    Optional<TransactionStatus> discard(String transactionId, String by);

    /**
     * True when this site reports transactions before they settle (a secondary: BUFFERED, APPLIED), so that a
     * client may wait for them ({@link #whenSettled}); false at the main site, whose database is the primary: a
     * transaction it reports is settled.
     */
    boolean reportsUnsettled();

    /**
     * Completes with the transaction's status once it is VISIBLE, FAILED or DISCARDED, at once if it already is; on
     * the role's own thread, so the caller's thread need not wait. Only for a transaction {@link #find} knows: an
     * unknown one may never complete. Callers that time out must do so on a dependent future: the one returned may
     * be shared by every waiter of the transaction.
     */
    CompletableFuture<TransactionStatus> whenSettled(String transactionId);

    /** What reads merge on top of this site's database: its writes still in flight ({@link InFlightOverlay#NONE} at the main site). */
    InFlightOverlay overlay();

    /**
     * Each part this site depends on, in the order {@code GET /health} lists them: its database and Kafka cluster,
     * then the role's own (the applier and the outcome stream at the main site; the outcome follower and the
     * replica at a secondary). Read now.
     */
    List<ComponentHealth> components();

    /** This site's in-flight and replication figures, each read when asked for. */
    BufferFigures buffer();

    /** Where this site keeps its Idempotency-Keys. */
    IdempotencyRecords idempotencyRecords();

    /** Tells {@code listener} of every transaction this site settles from now on (the relay's meters). */
    void addListener(TransactionEvents listener);
}
