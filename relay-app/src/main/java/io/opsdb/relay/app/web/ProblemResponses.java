package io.opsdb.relay.app.web;

import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.role.SiteUnavailableException;
import java.util.List;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.core.JacksonException;

/** Every refusal as RFC 9457 {@code application/problem+json}, with field errors where there are some. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemResponses {

    @ExceptionHandler(RequestProblem.class)
    ResponseEntity<ProblemDetail> problem(RequestProblem problem) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(problem.status(), problem.getMessage());
        if (!problem.errors().isEmpty()) {
            body.setProperty("errors", problem.errors());
        }
        return ResponseEntity.status(problem.status()).body(body);
    }

    /** A database this site needs is down or unreachable: nothing was done, the client may try again. */
    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(DataAccessException e) {
        return unavailable("A database this site reads is unreachable; nothing was changed. Try again later.");
    }

    /**
     * The site cannot answer for a moment (a secondary's transaction state being restored after a restart or a
     * fence): transient, like a database outage.
     */
    @ExceptionHandler(SiteUnavailableException.class)
    ResponseEntity<ProblemDetail> siteUnavailable(SiteUnavailableException e) {
        return unavailable(e.getMessage());
    }

    private static ResponseEntity<ProblemDetail> unavailable(String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .body(body);
    }

    /**
     * A body that is not JSON, or does not bind to its request record: a value of the wrong type or an unknown field
     * is answered as a field error ({@link JsonBindingProblems}), anything else as a body of the wrong shape.
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        Optional<FieldError> field = e.getCause() instanceof JacksonException failure
                ? JsonBindingProblems.of(failure, "")
                : Optional.empty();
        if (field.isPresent()) {
            return problem(RequestProblem.invalid(List.of(field.get())));
        }
        ProblemDetail body = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "The request body is not a JSON object of the expected shape.");
        return ResponseEntity.badRequest().body(body);
    }
}
