package io.opsdb.relay.app.web;

import io.opsdb.relay.kafka.RelayLimits;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies larger than {@link #MAX_BODY_BYTES} with 413 before they are read: the largest
 * legitimate request (a bulk of 10,000 files) is a few megabytes. A body within it is checked once more as the
 * command it becomes ({@code TransactionTooLargeException}), against the same limit. A body sent without a length
 * (chunked) is refused with 411: its size would be known only once it had been read into memory, and
 * {@link LargeBodyBudget} admits a large body by its declared length.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimit extends OncePerRequestFilter {

    static final long MAX_BODY_BYTES = RelayLimits.MAX_COMMAND_BYTES;

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > MAX_BODY_BYTES) {
            FilterProblems.write(
                    response,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
            return;
        }
        if (length < 0 && request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
            FilterProblems.write(
                    response,
                    HttpStatus.LENGTH_REQUIRED,
                    "A request body must be sent with its Content-Length (at most " + MAX_BODY_BYTES
                            + " bytes), not chunked.");
            return;
        }
        chain.doFilter(request, response);
    }
}
