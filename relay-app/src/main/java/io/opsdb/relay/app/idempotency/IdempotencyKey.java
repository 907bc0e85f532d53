package io.opsdb.relay.app.idempotency;

import java.util.Objects;

/**
 * The client's {@value #HEADER} header: printable ASCII (space to tilde), 1 to {@value #MAX_LENGTH} characters,
 * as payment APIs take it. A retried write sends the same key; its scope is the authenticated user and the
 * write's method and path ({@link IdempotentRequest}).
 */
public final class IdempotencyKey {

    /** The request header that carries the key. */
    public static final String HEADER = "Idempotency-Key";
    /** The longest key accepted. */
    public static final int MAX_LENGTH = 255;

    private final String value;

    private IdempotencyKey(String value) {
        this.value = value;
    }

    /**
     * The key a header carries.
     *
     * @throws IllegalArgumentException with what is wrong with it (the text of a 400 naming the header)
     */
    public static IdempotencyKey of(String header) {
        if (header == null || header.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (header.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException("must be printable ASCII (no control or non-ASCII characters)");
            }
        }
        if (header.isBlank()) {
            throw new IllegalArgumentException("must not be blank");
        }
        return new IdempotencyKey(header);
    }

    public String asString() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdempotencyKey key && key.value.equals(value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
