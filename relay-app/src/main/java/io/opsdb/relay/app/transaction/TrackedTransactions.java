package io.opsdb.relay.app.transaction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.secondary.transaction.OperatorAction;
import io.opsdb.relay.secondary.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.transaction.TransactionActionRefusedException;
import io.opsdb.relay.secondary.transaction.TransactionState;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.secondary.write.BufferUnavailableException;
import io.opsdb.relay.secondary.write.CommandPublisher;
import io.opsdb.relay.site.SiteType;
import io.opsdb.relay.site.spring.ConditionalOnSiteType;

/**
 * A secondary's transactions, from its tracker. A retry publishes the same operations again under the same
 * transaction id as the next attempt, through the site's buffer like any critical write.
 */
@Component
@ConditionalOnSiteType(SiteType.SECONDARY)
class TrackedTransactions implements SiteTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(TrackedTransactions.class);

    private final TransactionTracker tracker;
    private final CommandPublisher publisher;

    TrackedTransactions(TransactionTracker tracker, CommandPublisher publisher) {
        this.tracker = tracker;
        this.publisher = publisher;
    }

    @Override
    public Optional<Map<String, Object>> find(String transactionId) {
        return tracker.find(transactionId).map(TrackedTransactions::view);
    }

    @Override
    public List<Map<String, Object>> list(TransactionState state, String afterTransactionId, int limit) {
        return tracker.list(state, afterTransactionId, limit).stream().map(TrackedTransactions::view).toList();
    }

    @Override
    public Map<String, Object> retry(String transactionId, String by) {
        String reason = tracker.find(transactionId).map(TrackedTransaction::error).orElse(null);
        try {
            TrackedTransaction again = publisher.retry(transactionId, by)
                    .orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId));
            LOG.info("Transaction {} retried by {} at {} as attempt {} (it failed: {})", transactionId, by,
                    again.retried().at(), again.attempt(), reason);
            return view(again);
        }
        catch (TransactionActionRefusedException e) {
            throw RequestProblem.conflict(e.getMessage());
        }
        catch (BufferUnavailableException e) {
            throw RequestProblem.unavailable(e.getMessage());
        }
    }

    @Override
    public Map<String, Object> discard(String transactionId, String by) {
        try {
            TrackedTransaction discarded = tracker.discard(transactionId, by)
                    .orElseThrow(() -> RequestProblem.notFound("transaction " + transactionId));
            LOG.info("Transaction {} discarded by {} at {} (it failed: {})", transactionId, by, discarded.discarded().at(),
                    discarded.error());
            return view(discarded);
        }
        catch (TransactionActionRefusedException e) {
            throw RequestProblem.conflict(e.getMessage());
        }
    }

    /** The API's view of a tracked transaction. */
    static Map<String, Object> view(TrackedTransaction tx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction_id", tx.transactionId());
        body.put("state", tx.state().name());
        body.put("sequence", tx.sequence());
        body.put("attempt", tx.attempt());
        body.put("commit_lsn", tx.commitLsn() == null ? null : tx.commitLsn().asString());
        body.put("error", tx.error());
        body.put("acknowledged_at", String.valueOf(tx.acknowledgedAt()));
        body.put("applied_at", tx.appliedAt() == null ? null : tx.appliedAt().toString());
        body.put("visible_at", tx.visibleAt() == null ? null : tx.visibleAt().toString());
        putAction(body, "retried", tx.retried());
        putAction(body, "discarded", tx.discarded());
        return body;
    }

    private static void putAction(Map<String, Object> body, String name, OperatorAction action) {
        body.put(name + "_by", action == null ? null : action.by());
        body.put(name + "_at", action == null ? null : action.at().toString());
    }
}
