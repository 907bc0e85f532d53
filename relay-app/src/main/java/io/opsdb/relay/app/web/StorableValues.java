package io.opsdb.relay.app.web;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What the primary can store as a client sent it, checked at the API so a write it would refuse for its data is
 * refused here (I9), never acknowledged and then FAILED at the main site. Each rule was verified against
 * PostgreSQL 15 with the applier's binding ({@code CAST(? AS text)}, {@code CAST(? AS timestamptz)}):
 * <ul>
 * <li>NUL in text: {@code 22021 invalid byte sequence for encoding "UTF8": 0x00}.</li>
 * <li>A lone UTF-16 surrogate in text has no UTF-8 form: the driver and Avro both store {@code '?'} instead,
 * silently. Refused as invalid Unicode.</li>
 * <li>Instants outside years 1 to 9999: year 0 gives {@code 22008 date/time field value out of range}, negative
 * years {@code 22007 invalid input syntax}, and years past 9999 ({@code Instant.toString()} writes
 * {@code +10000-01-01T00:00:00Z}) {@code 22009 time zone displacement out of range}.</li>
 * </ul>
 * Doubles need no rule here beyond being finite: subnormals, -0.0 and the largest finite values are stored as
 * sent. Lengths count characters (Unicode code points), not UTF-16 units.
 */
public final class StorableValues {

    /** The earliest instant the API accepts: PostgreSQL parses no earlier ISO-8601 text (year 0 and before). */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    /** The latest instant the API accepts, at microsecond precision: {@code Instant.toString()} writes later ones with a sign. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private StorableValues() {}

    /** Why PostgreSQL would not store {@code text} as it is, or empty when it would. */
    public static Optional<String> textProblem(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return Optional.of("must not contain the NUL character (\\u0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return Optional.of("must be valid Unicode: a lone UTF-16 surrogate (\\u" + Integer.toHexString(c)
                        + ") has no UTF-8 form");
            }
        }
        return Optional.empty();
    }

    /** The length of {@code text} in characters (code points), which is what maximum lengths count. */
    public static int characters(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * {@code text} as an instant at the database's microsecond precision, in UTC, or empty when it is not an
     * ISO-8601 instant; see {@link #instantProblem(Instant)} for its range.
     */
    public static Optional<Instant> parseInstant(String text) {
        try {
            return Optional.of(Instant.parse(text).truncatedTo(ChronoUnit.MICROS));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Why PostgreSQL would not store {@code instant} as the API writes it, or empty when it would. */
    public static Optional<String> instantProblem(Instant instant) {
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            return Optional.of("must be from " + EARLIEST + " to " + LATEST + " (years 1 to 9999, in UTC)");
        }
        return Optional.empty();
    }

    /** The message for a value that is not an ISO-8601 instant. */
    public static String notAnInstant() {
        return "must be an ISO-8601 instant such as 2026-01-31T22:15:00Z";
    }
}
