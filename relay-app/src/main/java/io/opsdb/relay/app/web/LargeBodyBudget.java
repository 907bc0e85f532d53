package io.opsdb.relay.app.web;

import io.opsdb.relay.kafka.RelayLimits;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds the heap that large request bodies take at once. A body becomes Java objects, is validated and encoded as a
 * command (and checked against the command limit), and is sent to the local broker before the request ends: a body of
 * {@link RelayLimits#MAX_COMMAND_BYTES} takes several times its size until then. A secondary's heap holds one such
 * request beside everything else, not four: four clients posting the largest bulk at once ended observatory-app
 * (192 MiB of heap then) with an {@code OutOfMemoryError}, and every write of the site was refused until it was
 * started again.
 *
 * <p>Bodies of {@link #LARGE_BODY_BYTES} or more therefore share a budget of {@link #BUDGET_BYTES}, by their declared
 * length ({@link RequestSizeLimit} refuses bodies without one): the largest legal body has it to itself, smaller large
 * ones share it. A request that finds the budget taken waits up to {@link #WAIT} in arrival order, then is answered 503
 * with {@code Retry-After}: nothing was read or accepted, and the client tries again. Smaller bodies, every ordinary
 * write among them, never wait.
 */
@Component
@Order(LargeBodyBudget.FILTER_ORDER)
class LargeBodyBudget extends OncePerRequestFilter {

    /**
     * Right after Spring Security's filter chain, so only an authenticated client's body takes from the budget, and
     * before the Idempotency-Key filter, which reads a keyed body whole to hash it.
     */
    static final int FILTER_ORDER = SecurityFilterProperties.DEFAULT_FILTER_ORDER + 5;

    /** Bodies from this size on take from the budget. */
    static final long LARGE_BODY_BYTES = 256 * 1024;
    /** The large bodies being handled at once, in bytes: one of the largest legal size. */
    static final long BUDGET_BYTES = RelayLimits.MAX_COMMAND_BYTES;
    /** How long a large body waits for the budget before it is answered 503. */
    static final Duration WAIT = Duration.ofSeconds(10);

    private static final int BYTES_PER_PERMIT = 1024;

    private final Semaphore permits = new Semaphore((int) (BUDGET_BYTES / BYTES_PER_PERMIT), true);
    private final Duration wait;

    LargeBodyBudget() {
        this(WAIT);
    }

    LargeBodyBudget(Duration wait) {
        this.wait = wait;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length < LARGE_BODY_BYTES) {
            chain.doFilter(request, response);
            return;
        }
        int needed = (int) (Math.min(BUDGET_BYTES, length + BYTES_PER_PERMIT - 1) / BYTES_PER_PERMIT);
        boolean admitted;
        try {
            admitted = permits.tryAcquire(needed, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            admitted = false;
        }
        if (!admitted) {
            response.setHeader(HttpHeaders.RETRY_AFTER, "1");
            FilterProblems.write(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Other large requests are being handled; this one of " + length + " bytes waited " + wait.toMillis()
                            + " ms for its turn. Nothing was read or accepted; send it again.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release(needed);
        }
    }

    /** Whether a large body is waiting for the budget now. */
    boolean waiting() {
        return permits.hasQueuedThreads();
    }

    /** Bytes of the budget free now. */
    long available() {
        return (long) permits.availablePermits() * BYTES_PER_PERMIT;
    }
}
