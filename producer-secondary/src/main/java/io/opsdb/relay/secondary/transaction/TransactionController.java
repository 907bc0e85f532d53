package io.opsdb.relay.secondary.transaction;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.opsdb.relay.secondary.SecondarySiteProperties;
import io.opsdb.relay.secondary.web.RequestProblem;

/** {@code GET /api/transactions/{id}}: where a transaction is; {@code ?wait=visible} waits until it settles. */
@RestController
class TransactionController {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final TransactionTracker tracker;
    private final SecondarySiteProperties settings;

    TransactionController(TransactionTracker tracker, SecondarySiteProperties settings) {
        this.tracker = tracker;
        this.settings = settings;
    }

    @GetMapping("/api/transactions/{id}")
    CompletableFuture<Map<String, Object>> status(@PathVariable String id,
            @RequestParam(required = false) String wait, @RequestParam(required = false) Double timeout) {
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
