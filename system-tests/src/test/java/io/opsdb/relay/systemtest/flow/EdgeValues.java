package io.opsdb.relay.systemtest.flow;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Field values for each column type as JSON literals, seeded and biased toward the edges PostgreSQL and the API
 * care about: boundaries, NUL, lone surrogates, characters of 4-byte UTF-8, years 0 and past 9999, subnormal and
 * signed-zero doubles, integers past 64 bits. Each literal comes with the value it should read back as, when the
 * test can tell.
 */
final class EdgeValues {

    /** A JSON literal and what a read of the stored value should give (null: not a value the test can read back). */
    record Literal(String json, Object readsBackAs, String description) {}

    /** What a JSON {@code null} reads back as: no value. */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    /** {@code null}, for a column an update may or may not empty. */
    static final Literal NULL = new Literal("null", NO_VALUE, "null");

    private static final String EMOJI = "\uD83D\uDD2D"; // U+1F52D telescope: 4 bytes in UTF-8, 2 UTF-16 units

    private final Random random;

    EdgeValues(long seed) {
        this.random = new Random(seed);
    }

    /** Text of a column that holds at most {@code maxLength} characters: the edges first, then {@code count} random. */
    List<Literal> text(int maxLength, int count) {
        List<String> values = new ArrayList<>(List.of(
                "a",
                " ",
                "",
                "\u0000",
                "a\u0000b",
                "ends in NUL\u0000",
                "\uD800",
                "x\uDBFFy",
                "\uDC00",
                "\uDE2D\uD83D",
                EMOJI,
                "\u0001\u001F\u007F",
                "\uFFFE\uFFFF",
                "\u202Eevil",
                "\u00A0",
                "\u2028\u2029",
                "e\u0301\u0301",
                "x'); DROP TABLE executed_obs_unit; --",
                "\\",
                "\"quoted\"",
                "%s%n",
                "a".repeat(maxLength),
                "a".repeat(maxLength + 1),
                EMOJI.repeat(maxLength),
                EMOJI.repeat(maxLength + 1),
                "a".repeat(maxLength - 1) + EMOJI,
                "a".repeat(maxLength - 1) + "\u0000"));
        for (int i = 0; i < count; i++) {
            values.add(randomText(maxLength));
        }
        List<Literal> literals = new ArrayList<>();
        for (String value : values) {
            // Lone surrogates only survive JSON as \\u escapes; valid text goes as raw UTF-8 half the time.
            boolean escape = !isWellFormed(value) || random.nextBoolean();
            literals.add(new Literal(jsonString(value, escape), value, describe(value)));
        }
        return literals;
    }

    private String randomText(int maxLength) {
        int length = switch (random.nextInt(4)) {
            case 0 -> 1 + random.nextInt(5);
            case 1 -> Math.max(1, maxLength - 2 + random.nextInt(5));
            default -> 1 + random.nextInt(maxLength);
        };
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(100);
            if (kind < 40) {
                text.append((char) (0x21 + random.nextInt(0x5E)));
            } else if (kind < 55) {
                text.append((char) (0xA0 + random.nextInt(0x2000)));
            } else if (kind < 80) {
                text.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
            } else if (kind < 90) {
                int bmp = random.nextInt(0xFFFF);
                text.append((char) (bmp >= 0xD800 && bmp <= 0xDFFF && random.nextInt(4) != 0 ? 'z' : bmp));
            } else if (kind < 95) {
                text.append((char) (0xD800 + random.nextInt(0x800)));
            } else {
                text.append((char) random.nextInt(0x20));
            }
        }
        return text.toString();
    }

    /** ISO-8601 instants, valid or nearly so: the edges first, then {@code count} random. */
    List<Literal> instants(int count) {
        List<String> values = new ArrayList<>(List.of(
                "0000-01-01T00:00:00Z",
                "0001-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999Z",
                "9999-12-31T23:59:59.9999999Z",
                "+10000-01-01T00:00:00Z",
                "+294276-12-31T23:59:59Z",
                "-4713-11-24T00:00:00Z",
                "+999999999-12-31T23:59:59.999999999Z",
                "-999999999-01-01T00:00:00Z",
                "1970-01-01T00:00:00Z",
                "2024-02-29T12:00:00Z",
                "2026-02-29T12:00:00Z",
                "2026-06-30T23:59:60Z",
                "0001-01-01T00:30:00+01:00",
                "9999-12-31T23:30:00-01:00",
                "2026-01-01T00:00:00.123456789Z",
                "2026-01-01 00:00:00Z",
                "2026-01-01T00:00:00",
                "2026-01-01T00:00:00+14:00"));
        for (int i = 0; i < count; i++) {
            long year = switch (random.nextInt(6)) {
                case 0 -> random.nextInt(3);
                case 1 -> 9998 + random.nextInt(4);
                case 2 -> -random.nextInt(5000);
                case 3 -> 10_000 + random.nextInt(300_000);
                default -> 1 + random.nextInt(9999);
            };
            String yearText =
                    year < 0 ? String.format("-%04d", -year) : year > 9999 ? "+" + year : String.format("%04d", year);
            String offset = random.nextInt(3) == 0 ? String.format("%+03d:00", random.nextInt(27) - 12) : "Z";
            values.add(String.format(
                            "%s-%02d-%02dT%02d:%02d:%02d.%06dZ",
                            yearText,
                            1 + random.nextInt(12),
                            1 + random.nextInt(28),
                            random.nextInt(24),
                            random.nextInt(60),
                            random.nextInt(60),
                            random.nextInt(1_000_000))
                    .replace("Z", offset));
        }
        return values.stream()
                .map(v -> new Literal(jsonString(v, false), instant(v), v))
                .toList();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** Whole numbers for a {@code bigint} at least 0, and things that are nearly whole numbers. */
    List<Literal> wholeNumbers(int count) {
        List<String> values = new ArrayList<>(List.of(
                "0",
                "1",
                "-1",
                "9223372036854775807",
                "-9223372036854775808",
                "9223372036854775808",
                "18446744073709551616",
                "1.0",
                "1e3",
                "-0",
                "0.5",
                "1E18"));
        for (int i = 0; i < count; i++) {
            long value = switch (random.nextInt(3)) {
                case 0 -> (1L << random.nextInt(63)) + random.nextInt(3) - 1;
                case 1 -> random.nextLong();
                default -> random.nextInt(1_000_000);
            };
            values.add(Long.toString(value));
        }
        return values.stream().map(v -> new Literal(v, whole(v), v)).toList();
    }

    private static Long whole(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Doubles around {@code [low, high]}: signed zeros, subnormals, the largest finite, overflow and underflow. */
    List<Literal> doubles(double low, double high, int count) {
        List<String> values = new ArrayList<>(List.of(
                "0",
                "-0.0",
                "4.9E-324",
                "-4.9E-324",
                "2.2250738585072014E-308",
                "1.0E-310",
                "1e-400",
                "1e400",
                "-1e400",
                "1.7976931348623157E308",
                "-1.7976931348623157E308",
                Double.toString(low),
                Double.toString(high),
                Double.toString(Math.nextDown(low)),
                Double.toString(Math.nextUp(high)),
                Double.toString(Math.nextDown(high)),
                Double.toString(Math.nextUp(low)),
                "45",
                "0.1"));
        for (int i = 0; i < count; i++) {
            double value = switch (random.nextInt(4)) {
                case 0 ->
                    Double.longBitsToDouble(random.nextLong() & 0x000FFFFFFFFFFFFFL) * (random.nextBoolean() ? 1 : -1);
                case 1 -> low + (high - low) * random.nextDouble();
                case 2 -> (random.nextDouble() - 0.5) * 4 * Math.max(Math.abs(low), Math.abs(high));
                default -> random.nextBoolean() ? Math.nextDown(high) : Math.nextUp(low);
            };
            values.add(Double.toString(value));
        }
        return values.stream()
                .map(v -> new Literal(v, Double.parseDouble(v), v))
                .toList();
    }

    /** References to {@code existing}: as it is, upper case, unknown, nil, malformed. */
    List<Literal> references(String existing) {
        List<String> values = List.of(
                existing,
                existing.toUpperCase(),
                UUID.randomUUID().toString(),
                "00000000-0000-0000-0000-000000000000",
                "{" + existing + "}",
                existing.substring(1),
                "not-a-uuid",
                "$nolabel",
                existing.replace("-", ""));
        return values.stream()
                .map(v -> new Literal(jsonString(v, false), v.toLowerCase(), v))
                .toList();
    }

    static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} as a JSON string; {@code escapeNonAscii} writes every non-ASCII UTF-16 unit as a \\u escape. */
    static String jsonString(String text, boolean escapeNonAscii) {
        StringBuilder json = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || (escapeNonAscii && c > 0x7E)) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"').toString();
    }

    private static String describe(String text) {
        String shown = jsonString(text.length() > 24 ? text.substring(0, 24) : text, true);
        return shown + (text.length() > 24 ? "... (" + text.length() + " UTF-16 units)" : "");
    }
}
