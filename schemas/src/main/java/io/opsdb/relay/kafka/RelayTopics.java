package io.opsdb.relay.kafka;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The relay's topics and record headers. A mirrored topic carries its source site's name as prefix
 * (MirrorMaker 2's default replication policy), so each site is namespaced on every cluster.
 */
public final class RelayTopics {

    /** Write commands, produced at a secondary site. */
    public static final String COMMANDS = "ops.commands";

    /** Transaction outcomes, produced at the main site. */
    public static final String OUTCOMES = "ops.outcomes";

    /** Every secondary site's commands as mirrored onto the main cluster ({@code <site>.ops.commands}). */
    public static final Pattern MIRRORED_COMMANDS = Pattern.compile("[^.]+\\.ops\\.commands");

    /** The main site's outcomes as mirrored onto a secondary cluster ({@code <main site>.ops.outcomes}). */
    public static final Pattern MIRRORED_OUTCOMES = Pattern.compile("[^.]+\\.ops\\.outcomes");

    /** Header: the transaction id, so a plain console consumer or kcat listing is readable without the schemas. */
    public static final String HEADER_TRANSACTION_ID = "transaction-id";

    /** Header: the site that accepted the transaction. */
    public static final String HEADER_SITE = "site";

    /** Header: what the record is ({@code CREATE EXECUTED_OBS_UNIT, UPDATE ...}, or an outcome status). */
    public static final String HEADER_OPERATION = "operation";

    private RelayTopics() {}

    /** A header's value as UTF-8 text; null when the record has none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /**
     * The transaction a record's {@link #HEADER_TRANSACTION_ID} header names, as a canonical (lower-case) UUID, as the
     * ledger and the outcomes spell it; null when there is no such header or it is not a UUID. What an unreadable
     * record still says about itself.
     */
    public static String transactionId(Headers headers) {
        String header = header(headers, HEADER_TRANSACTION_ID);
        if (header == null) {
            return null;
        }
        try {
            String canonical = UUID.fromString(header).toString();
            return canonical.equalsIgnoreCase(header) ? canonical : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The site name in a mirrored topic's name: {@code observatory.ops.commands -> observatory}. */
    public static String sourceSite(String mirroredTopic) {
        int dot = mirroredTopic.indexOf('.');
        return dot < 0 ? mirroredTopic : mirroredTopic.substring(0, dot);
    }
}
