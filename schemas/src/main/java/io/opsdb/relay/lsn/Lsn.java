package io.opsdb.relay.lsn;

import java.util.Objects;

/**
 * A PostgreSQL write-ahead log position (an {@code XLogRecPtr}): an unsigned 64-bit number written
 * {@code X/Y}, two hexadecimal halves. Comparisons are numeric and unsigned, never on strings:
 * {@code "0/A0000000"} sorts before {@code "0/9"} as text but after it as a position.
 */
public final class Lsn implements Comparable<Lsn> {

    /** PostgreSQL's {@code InvalidXLogRecPtr}: no position, e.g. a replica that has replayed nothing yet. */
    public static final Lsn INVALID = new Lsn(0L);

    private final long value;

    private Lsn(long value) {
        this.value = value;
    }

    /** The position with this numeric value (as returned by {@link #asLong()}). */
    public static Lsn valueOf(long value) {
        return value == 0L ? INVALID : new Lsn(value);
    }

    /**
     * Parses PostgreSQL's text form {@code X/Y} (each half 1 to 8 hex digits), as printed by
     * {@code pg_current_wal_lsn()} or {@code pg_last_wal_replay_lsn()}.
     *
     * @throws IllegalArgumentException when the text is not an LSN
     */
    public static Lsn valueOf(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN must not be null");
        }
        int slash = text.indexOf('/');
        if (slash < 1 || slash != text.lastIndexOf('/') || slash == text.length() - 1) {
            throw new IllegalArgumentException("not an LSN (expected X/Y in hex): '" + text + "'");
        }
        long high = parseHalf(text, text.substring(0, slash));
        long low = parseHalf(text, text.substring(slash + 1));
        return valueOf(high << 32 | low);
    }

    private static long parseHalf(String text, String half) {
        if (half.length() > 8) {
            throw new IllegalArgumentException("not an LSN (a half has more than 8 hex digits): '" + text + "'");
        }
        for (int i = 0; i < half.length(); i++) {
            if (Character.digit(half.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("not an LSN (not hexadecimal): '" + text + "'");
            }
        }
        return Long.parseLong(half, 16);
    }

    public long asLong() {
        return value;
    }

    /** PostgreSQL's text form, {@code X/Y} in upper-case hex. */
    public String asString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/"
                + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }

    public boolean isValid() {
        return value != 0L;
    }

    /** True when a server that has reached {@code position} has also passed this LSN. */
    public boolean isAtOrBefore(Lsn position) {
        return compareTo(position) <= 0;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return asString();
    }
}
