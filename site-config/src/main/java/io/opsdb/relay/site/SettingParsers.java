package io.opsdb.relay.site;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;

/** How a setting's text becomes a value; each throws IllegalArgumentException with what is allowed. */
final class SettingParsers {

    private SettingParsers() {}

    static Function<String, Object> text() {
        return String::strip;
    }

    static Function<String, Object> bool() {
        return text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> Boolean.TRUE;
            case "false", "0", "no", "off" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Function<String, Object> integer(int min, int max) {
        return text -> {
            int value;
            try {
                value = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("must be a whole number from " + min + " to " + max);
            }
            return value;
        };
    }

    /** Seconds, possibly fractional ({@code 0.1}), as the seed system wrote them. */
    static Function<String, Object> seconds(Duration min, Duration max) {
        return text -> {
            Duration value;
            try {
                value = Duration.ofNanos(
                        new BigDecimal(text.strip()).movePointRight(9).longValueExact());
            } catch (ArithmeticException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        "must be a number of seconds from " + describe(min) + " to " + describe(max));
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        "must be a number of seconds from " + describe(min) + " to " + describe(max));
            }
            return value;
        };
    }

    /** An ISO-8601 duration ({@code P7D}, {@code PT2M}): spans of days read better this way than in seconds. */
    static Function<String, Object> duration(Duration min, Duration max) {
        return text -> {
            String allowed = "must be an ISO-8601 duration (such as P7D or PT12H) from " + iso(min) + " to " + iso(max);
            Duration value;
            try {
                value = Duration.parse(text.strip().toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(allowed);
            }
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(allowed);
            }
            return value;
        };
    }

    static Function<String, Object> siteType() {
        return text -> {
            try {
                return SiteType.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be main or secondary");
            }
        };
    }

    static Function<String, Object> sslMode() {
        return SslMode::parse;
    }

    static Function<String, Object> bufferDurability() {
        return text -> {
            try {
                return BufferDurability.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("must be fsync or page-cache");
            }
        };
    }

    /** A name that is also a MirrorMaker 2 cluster alias and a topic prefix: {@link SiteNames}. */
    static Function<String, Object> siteName() {
        return text -> {
            String name = text.strip();
            if (!SiteNames.isValid(name)) {
                throw new IllegalArgumentException("must be " + SiteNames.ALLOWED + " (it prefixes topic names)");
            }
            return name;
        };
    }

    static Function<String, Object> port() {
        return integer(1, 65535);
    }

    /** Whole days as days ({@code P3650D}, where {@link Duration#toString()} says {@code PT87600H}). */
    static String iso(Duration d) {
        return !d.isZero() && d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0
                ? "P" + d.toDays() + "D"
                : d.toString();
    }

    static String describe(Duration d) {
        BigDecimal seconds = BigDecimal.valueOf(d.toNanos()).movePointLeft(9).stripTrailingZeros();
        return seconds.toPlainString();
    }
}
