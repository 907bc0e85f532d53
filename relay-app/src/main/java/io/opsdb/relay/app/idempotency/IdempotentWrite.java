package io.opsdb.relay.app.idempotency;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The {@link IdempotentRequest} being served on this thread, with its transaction id and the record ids it has
 * handed out so far. {@link IdempotencyKeyFilter} puts it on the request; the write path reads it to use the
 * derived ids instead of random ones.
 */
public final class IdempotentWrite {

    static final String REQUEST_ATTRIBUTE = "relay.idempotent-write";

    private final IdempotentRequest request;
    private final String transactionId;
    private final AtomicInteger recordsCreated = new AtomicInteger();

    IdempotentWrite(IdempotentRequest request, String transactionId) {
        this.request = request;
        this.transactionId = transactionId;
    }

    /** The write with an Idempotency-Key this thread serves; empty outside a request or without a key. */
    public static Optional<IdempotentWrite> current() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes == null
                ? Optional.empty()
                : Optional.ofNullable(
                        (IdempotentWrite) attributes.getAttribute(REQUEST_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST));
    }

    public IdempotentRequest request() {
        return request;
    }

    public String transactionId() {
        return transactionId;
    }

    /** The next id of a record this write creates: the same, in the same order, for every retry of the request. */
    public String nextRecordId() {
        return IdempotentRequest.recordId(transactionId, recordsCreated.getAndIncrement());
    }
}
