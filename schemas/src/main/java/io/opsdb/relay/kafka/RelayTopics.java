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

    /**
     * Transaction outcomes at the main site, one topic per secondary site: {@code ops.outcomes.<site>} (see
     * {@link #outcomes}). Alone, the name of the single topic that held every site's outcomes before there was one
     * per site; a secondary still follows its mirror ({@code <main site>.ops.outcomes}) so that a deployment upgraded
     * in place reads what was left in it.
     */
    public static final String OUTCOMES = "ops.outcomes";

    /** Every secondary site's commands as mirrored onto the main cluster ({@code <site>.ops.commands}). */
    public static final Pattern MIRRORED_COMMANDS = Pattern.compile("[^.]+\\.ops\\.commands");

    /** Header: the transaction id, so a plain console consumer or kcat listing is readable without the schemas. */
    public static final String HEADER_TRANSACTION_ID = "transaction-id";

    /** Header: the site that accepted the transaction. */
    public static final String HEADER_SITE = "site";

    /** Header: what the record is ({@code CREATE EXECUTED_OBS_UNIT, UPDATE ...}, or an outcome status). */
    public static final String HEADER_OPERATION = "operation";

    private RelayTopics() {}

    /**
     * The topic at the main site holding the outcomes of {@code site}'s transactions, {@code ops.outcomes.<site>}: the
     * only outcomes MirrorMaker 2 mirrors to that site (as {@code <main site>.ops.outcomes.<site>}), so that a
     * secondary receives its own and no other site's. As long as {@code <site>.ops.commands}, so a valid topic name
     * whenever that one is.
     */
    public static String outcomes(String site) {
        return OUTCOMES + "." + site;
    }

    /**
     * What a secondary named {@code site} follows on its cluster: its outcomes as mirrored from the main site
     * ({@code <main site>.ops.outcomes.<site>}), and the single outcome topic of before, {@code <main
     * site>.ops.outcomes}, where a deployment upgraded in place may still hold some (other sites' outcomes in it are
     * ignored: each outcome names its site).
     */
    public static Pattern mirroredOutcomes(String site) {
        String own = site == null ? "[^.]+" : Pattern.quote(site);
        return Pattern.compile("[^.]+\\.ops\\.outcomes(\\." + own + ")?");
    }

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
