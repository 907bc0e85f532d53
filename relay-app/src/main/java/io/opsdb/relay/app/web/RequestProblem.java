package io.opsdb.relay.app.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request this site refuses, with field-level reasons; answered as {@code application/problem+json}
 * before anything is produced.
 */
public class RequestProblem extends RuntimeException {

    /** One field's problem. */
    public record FieldError(String field, String message) {}

    private final HttpStatus status;
    private final List<FieldError> errors;

    public RequestProblem(HttpStatus status, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static RequestProblem invalid(List<FieldError> errors) {
        return new RequestProblem(HttpStatus.BAD_REQUEST, "The request has invalid fields.", errors);
    }

    public static RequestProblem invalid(String field, String message) {
        return invalid(List.of(new FieldError(field, message)));
    }

    public static RequestProblem notFound(String what) {
        return new RequestProblem(HttpStatus.NOT_FOUND, "No " + what + ".", List.of());
    }

    public static RequestProblem conflict(String detail) {
        return new RequestProblem(HttpStatus.CONFLICT, detail, List.of());
    }

    /** The main database refused a direct write (a constraint, a bad reference): recorded FAILED in the ledger. */
    public static RequestProblem unprocessable(String detail, String transactionId) {
        return new RequestProblem(
                HttpStatus.UNPROCESSABLE_ENTITY, detail + " (transaction " + transactionId + ")", List.of());
    }

    public static RequestProblem forbidden(String detail) {
        return new RequestProblem(HttpStatus.FORBIDDEN, detail, List.of());
    }

    /** The request is larger than a transaction may be (I9): {@code field} names what is too large. */
    public static RequestProblem tooLarge(String field, String detail) {
        return new RequestProblem(HttpStatus.CONTENT_TOO_LARGE, detail, List.of(new FieldError(field, detail)));
    }

    public static RequestProblem unavailable(String detail) {
        return new RequestProblem(HttpStatus.SERVICE_UNAVAILABLE, detail, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
