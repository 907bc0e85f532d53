package io.opsdb.relay.app.api;

import io.opsdb.relay.app.auth.AuthenticatedPrincipal;
import io.opsdb.relay.app.transaction.SiteTransactions;
import io.opsdb.relay.app.transaction.TransactionView;
import io.opsdb.relay.app.web.Paging;
import io.opsdb.relay.app.web.RequestFields;
import io.opsdb.relay.app.web.RequestProblem;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.site.SiteConfiguration;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

/**
 * Where transactions are and what operators do with the failed ones:
 * <ul>
 * <li>{@code GET /api/transactions/{id}}: its state, commit LSN, error, and who retried or discarded it;
 * {@code ?wait=visible} (at a secondary) answers when it settles;</li>
 * <li>{@code GET /api/transactions?state=FAILED&limit=100&cursor=<last id>}: one page of the transactions in a
 * state, in id order, with the cursor of the next page;</li>
 * <li>{@code POST /api/transactions/{id}/retry} and {@code /discard}: only for a FAILED one (409 otherwise).</li>
 * </ul>
 */
@RestController
class TransactionController {

    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    /** How much longer than the client's timeout a long poll may stay open before the container gives up on it. */
    private static final Duration ASYNC_MARGIN = Duration.ofSeconds(10);
    /** Who acts on a request that carries no principal (authentication off, or a public request). */
    static final String ANONYMOUS = "anonymous";

    private final SiteTransactions transactions;
    private final SiteConfiguration settings;

    TransactionController(SiteTransactions transactions, SiteConfiguration settings) {
        this.transactions = transactions;
        this.settings = settings;
    }

    @GetMapping("/api/transactions/{id}")
    DeferredResult<TransactionView> status(
            @PathVariable String id,
            @RequestParam(required = false) String wait,
            @RequestParam(required = false) Double timeout) {
        TransactionView now = transactions.find(id).orElseThrow(() -> RequestProblem.notFound("transaction " + id));
        if (wait == null || !transactions.reportsUnsettled()) {
            // The main site writes straight to its own database: a transaction in its ledger is settled.
            DeferredResult<TransactionView> answer = new DeferredResult<>();
            answer.setResult(now);
            return answer;
        }
        if (!"visible".equals(wait)) {
            throw RequestProblem.invalid("wait", "must be 'visible'");
        }
        Duration limit = timeout == null ? settings.lsnTimeout() : Duration.ofMillis((long) (timeout * 1000));
        if (limit.isNegative() || limit.compareTo(MAX_WAIT) > 0) {
            throw RequestProblem.invalid("timeout", "must be between 0 and " + MAX_WAIT.toSeconds() + " seconds");
        }
        // The container's async timeout (30 s by default) would cut a longer wait short with a 503: this request's
        // own timeout is the client's, plus a margin within which the wait below always answers first.
        DeferredResult<TransactionView> answer =
                new DeferredResult<>(limit.plus(ASYNC_MARGIN).toMillis());
        // Answered from the role's thread when the transaction settles: no request thread waits.
        // A dependent future of our own: the timeout must not complete the one other waiters share.
        transactions
                .whenSettled(id)
                .thenApply(settled -> settled)
                .completeOnTimeout(null, limit.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(settled -> transactions.find(id).orElseThrow())
                .whenComplete((body, failure) -> {
                    if (failure != null) {
                        answer.setErrorResult(
                                failure instanceof CompletionException e && e.getCause() != null
                                        ? e.getCause()
                                        : failure);
                    } else {
                        answer.setResult(body);
                    }
                });
        return answer;
    }

    @GetMapping("/api/transactions")
    TransactionPage list(
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        List<RequestProblem.FieldError> errors = new ArrayList<>();
        TransactionState wanted = state(state, errors);
        if (cursor != null && !RequestFields.isUuid(cursor)) {
            errors.add(
                    new RequestProblem.FieldError("cursor", "must be the transaction id that ended the previous page"));
        }
        if (limit != null && (limit < 1 || limit > Paging.MAX_LIMIT)) {
            errors.add(new RequestProblem.FieldError("limit", "must be from 1 to " + Paging.MAX_LIMIT));
        }
        if (!errors.isEmpty()) {
            throw RequestProblem.invalid(errors);
        }
        int pageSize = limit == null ? 100 : limit;
        List<TransactionView> page =
                transactions.list(wanted, cursor == null ? null : cursor.toLowerCase(Locale.ROOT), pageSize);
        // A full page may have a next one: it starts after its last id.
        return new TransactionPage(
                wanted.name(),
                page,
                page.size() == pageSize ? page.get(page.size() - 1).transactionId() : null);
    }

    private static TransactionState state(String state, List<RequestProblem.FieldError> errors) {
        String allowed =
                Arrays.stream(TransactionState.values()).map(Enum::name).collect(Collectors.joining(", "));
        if (state == null) {
            errors.add(new RequestProblem.FieldError("state", "is required: one of " + allowed));
            return null;
        }
        try {
            return TransactionState.valueOf(state.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(new RequestProblem.FieldError("state", "must be one of " + allowed));
            return null;
        }
    }

    @PostMapping("/api/transactions/{id}/retry")
    TransactionView retry(@PathVariable String id, HttpServletRequest request) {
        return transactions.retry(id, actor(request));
    }

    @PostMapping("/api/transactions/{id}/discard")
    TransactionView discard(@PathVariable String id, HttpServletRequest request) {
        return transactions.discard(id, actor(request));
    }

    /** The authenticated user who makes the request, recorded with what they do. */
    static String actor(HttpServletRequest request) {
        return AuthenticatedPrincipal.of(request)
                .map(AuthenticatedPrincipal::username)
                .orElse(ANONYMOUS);
    }
}
