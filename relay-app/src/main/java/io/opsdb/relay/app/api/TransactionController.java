package io.opsdb.relay.app.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.secondary.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.site.SiteConfiguration;
import io.opsdb.relay.site.spring.SiteBeans;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@code GET /api/transactions/{id}}: where a transaction is; {@code ?wait=visible} waits until it settles. */
@RestController
class TransactionController {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final TransactionTracker tracker;
    private final SiteConfiguration settings;
    private final JdbcTemplate primary;

    TransactionController(ObjectProvider<TransactionTracker> tracker, SiteConfiguration settings,
            @Qualifier(SiteBeans.MAIN + "Jdbc") JdbcTemplate primary) {
        this.tracker = tracker.getIfAvailable();
        this.settings = settings;
        this.primary = primary;
    }

    @GetMapping("/api/transactions/{id}")
    CompletableFuture<Map<String, Object>> status(@PathVariable String id,
            @RequestParam(required = false) String wait, @RequestParam(required = false) Double timeout) {
        if (tracker == null) {
            // The main site writes straight to its own database: a transaction in the ledger is visible here.
            return CompletableFuture.completedFuture(ledgerView(id));
        }
        TrackedTransaction tx = tracker.find(id).orElseThrow(() -> RequestProblem.notFound("transaction " + id));
        if (wait == null) {
            return CompletableFuture.completedFuture(view(tx));
        }
        if (!"visible".equals(wait)) {
            throw RequestProblem.invalid("wait", "must be 'visible'");
        }
        Duration limit = timeout == null ? settings.lsnTimeout() : Duration.ofMillis((long) (timeout * 1000));
        if (limit.isNegative() || limit.compareTo(MAX_WAIT) > 0) {
            throw RequestProblem.invalid("timeout", "must be between 0 and " + MAX_WAIT.toSeconds() + " seconds");
        }
        // Answered from the tracker's thread when the transaction settles: no request thread waits.
        // A dependent future of our own: the timeout must not complete the one other waiters share.
        return tracker.whenSettled(id).thenApply(settled -> settled)
                .completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(settled -> view(settled != null ? settled : tracker.find(id).orElseThrow()));
    }

    private Map<String, Object> ledgerView(String id) {
        if (!RequestFields.isUuid(id)) {
            throw RequestProblem.notFound("transaction " + id);
        }
        return primary.query("SELECT transaction_id::text, status, attempt, error, accepted_at, applied_at"
                + " FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)", rs -> {
            if (!rs.next()) {
                throw RequestProblem.notFound("transaction " + id);
            }
            boolean applied = "APPLIED".equals(rs.getString(2));
            String appliedAt = rs.getObject(6, java.time.OffsetDateTime.class).toInstant().toString();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("transaction_id", rs.getString(1));
            body.put("state", applied ? "VISIBLE" : "FAILED");
            body.put("attempt", rs.getInt(3));
            body.put("commit_lsn", null);
            body.put("error", rs.getString(4));
            body.put("acknowledged_at", rs.getObject(5, java.time.OffsetDateTime.class).toInstant().toString());
            body.put("applied_at", appliedAt);
            body.put("visible_at", applied ? appliedAt : null);
            return body;
        }, id);
    }

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
        return body;
    }
}
