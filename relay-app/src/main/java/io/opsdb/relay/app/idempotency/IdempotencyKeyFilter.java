package io.opsdb.relay.app.idempotency;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.opsdb.relay.app.auth.AuthenticatedPrincipal;
import io.opsdb.relay.role.IdempotencyRecords;
import io.opsdb.relay.role.KeyRecord;
import io.opsdb.relay.role.SiteUnavailableException;
import io.opsdb.relay.site.SiteConfiguration;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes with an {@value IdempotencyKey#HEADER} header are done once per key (I10). The key's scope is the
 * authenticated user and the write's method and path; the same key with the same request answers the first
 * answer again (header {@value #REPLAYED_HEADER}), with another request 422. Requests with the same key are
 * served one at a time. The write itself takes its transaction and record ids from the key
 * ({@link IdempotentWrite}), so even a retry of a write whose first attempt got no answer (a 503 after a
 * producer timeout, a lost connection) is the same transaction.
 *
 * <p>Only record writes take a key; a key on any other request is ignored (token creation answers a secret,
 * which is never kept).
 */
public class IdempotencyKeyFilter extends OncePerRequestFilter {

    /** Set on an answer that is a replay of the first one. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /** Paths whose writes take a key: every record write and {@code /api/transactions} (with retry and discard). */
    private static final List<String> WRITE_PATHS = List.of(
            "/executed_obs_units",
            "/raw_data_package",
            "/raw_data_files",
            "/observing_programs",
            "/sources",
            "/api/transactions");

    private static final Set<String> WRITE_METHODS = Set.of("POST", "PUT", "PATCH");
    /** Longer than any write takes (the producer's own timeout is 15 s), so a duplicate waits for the first's answer. */
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeyFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SiteConfiguration site;
    private final IdempotencyRecords records;
    private final KeyLocks locks = new KeyLocks();

    public IdempotencyKeyFilter(SiteConfiguration site, IdempotencyRecords records) {
        this.site = site;
        this.records = records;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return request.getHeader(IdempotencyKey.HEADER) == null
                || !WRITE_METHODS.contains(request.getMethod())
                || WRITE_PATHS.stream().noneMatch(write -> path.equals(write) || path.startsWith(write + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<AuthenticatedPrincipal> principal = AuthenticatedPrincipal.of(request);
        if (principal.isEmpty()) {
            // Not authenticated: Spring Security has answered already, or the request is public.
            chain.doFilter(request, response);
            return;
        }
        IdempotencyKey key;
        try {
            key = IdempotencyKey.of(request.getHeader(IdempotencyKey.HEADER));
        } catch (IllegalArgumentException e) {
            problem(
                    response,
                    HttpStatus.BAD_REQUEST,
                    "The request has an invalid header.",
                    List.of(new FieldProblem(IdempotencyKey.HEADER, e.getMessage())));
            return;
        }
        byte[] body = request.getInputStream().readAllBytes();
        IdempotentRequest idempotent = IdempotentRequest.of(
                principal.get().username(), request.getMethod(), request.getRequestURI(), key, body);
        String transactionId = idempotent.transactionId(site.siteName());
        Optional<KeyLocks.Held> held;
        try {
            held = locks.lock(transactionId, LOCK_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Interrupted while waiting for an earlier request with "
                            + "this Idempotency-Key; nothing was written. Retry with the same key.",
                    List.of());
            return;
        }
        if (held.isEmpty()) {
            problem(
                    response,
                    HttpStatus.CONFLICT,
                    "An earlier request with this Idempotency-Key is still being "
                            + "written. Retry with the same key later.",
                    List.of());
            return;
        }
        try (KeyLocks.Held lock = held.get()) {
            Optional<KeyRecord> known = records.find(transactionId);
            if (known.isPresent() && !known.get().requestHash().equals(idempotent.requestHash())) {
                problem(
                        response,
                        HttpStatus.UNPROCESSABLE_ENTITY,
                        "This Idempotency-Key was used for another request "
                                + "(a different body): use a new key for a new write.",
                        List.of());
                return;
            }
            if (known.isPresent() && known.get().answer() != null) {
                replay(response, known.get().answer());
                return;
            }
            request.setAttribute(IdempotentWrite.REQUEST_ATTRIBUTE, new IdempotentWrite(idempotent, transactionId));
            ContentCachingResponseWrapper answer = new ContentCachingResponseWrapper(response);
            chain.doFilter(new CachedBody(request, body), answer);
            if (HttpStatus.valueOf(answer.getStatus()).is2xxSuccessful()) {
                remember(transactionId, idempotent, answer);
            }
            answer.copyBodyToResponse();
        } catch (DataAccessException | SiteUnavailableException e) {
            LOG.warn("Idempotency-Key records unreachable: {}", e.getMessage());
            problem(
                    response,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "The records of Idempotency-Keys are unreachable for now; "
                            + "nothing was written. Retry with the same key later.",
                    List.of());
        }
    }

    private void remember(String transactionId, IdempotentRequest request, ContentCachingResponseWrapper answer) {
        try {
            records.answered(
                    transactionId,
                    request.toClientRequest(),
                    new KeyRecord.FirstAnswer(
                            answer.getStatus(),
                            answer.getHeader(HttpHeaders.LOCATION),
                            answer.getContentAsByteArray()));
        } catch (RuntimeException e) {
            // The write is done and answered; a retry without the kept answer still finds its transaction by id and
            // is answered from it (the role's write), so this costs only the replay of the very first answer.
            LOG.warn("First answer of transaction {} not kept: {}", transactionId, e.getMessage());
        }
    }

    private static void replay(HttpServletResponse response, KeyRecord.FirstAnswer first) throws IOException {
        response.setStatus(first.status());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader(REPLAYED_HEADER, "true");
        if (first.location() != null) {
            response.setHeader(HttpHeaders.LOCATION, first.location());
        }
        response.getOutputStream().write(first.body());
    }

    /** As {@code RequestProblem.FieldError} renders in a problem's {@code errors}. */
    private record FieldProblem(String field, String message) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Problem(String type, String title, int status, String detail, List<FieldProblem> errors) {}

    private static void problem(
            HttpServletResponse response, HttpStatus status, String detail, List<FieldProblem> errors)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = JSON.writeValueAsBytes(new Problem(
                "about:blank", status.getReasonPhrase(), status.value(), detail, errors.isEmpty() ? null : errors));
        response.getOutputStream().write(body);
    }

    /** The request with its body already read (to hash it), readable again by the controller. */
    private static final class CachedBody extends HttpServletRequestWrapper {

        private final byte[] body;

        CachedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("synchronous reads only");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
