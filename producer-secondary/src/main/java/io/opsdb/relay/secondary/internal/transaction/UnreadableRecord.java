package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.kafka.RelayTopics;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * A record this site could not read (damaged, or written by a version it does not know), with what its headers still
 * say: every command and outcome carries the {@code transaction-id} and {@code site} headers, so an unreadable one can
 * often still be given its fate. It is set aside on the dead-letter topic ({@link DeadLetterTopic}) and counted.
 *
 * @param timestamp the record's timestamp
 * @param payload the record value as it was read
 * @param headers the record's headers as they were read
 * @param transactionId the transaction its {@code transaction-id} header names, when that is a UUID; else null
 * @param site the site its {@code site} header names; without one, this site for a record on its own commands, null
 *        for an outcome (its topic names the main site, not the transaction's)
 * @param reason why it cannot be read, prefixed with what it should have been
 */
public record UnreadableRecord(
        Source source,
        String topic,
        int partition,
        long offset,
        Instant timestamp,
        String key,
        byte[] payload,
        Headers headers,
        String transactionId,
        String site,
        String reason) {

    /** What the record should have been. */
    public enum Source {
        /** A record on this site's own {@code ops.commands}. */
        COMMAND("unreadable command: "),
        /** A record on the main site's mirrored outcomes. */
        OUTCOME("unreadable outcome: ");

        private final String reasonPrefix;

        Source(String reasonPrefix) {
            this.reasonPrefix = reasonPrefix;
        }
    }

    /** What became of an unreadable record besides its dead letter: the {@code fate} label of its metric. */
    public enum Fate {
        /** Its headers named a transaction of this site, now FAILED with the reason. */
        TRANSACTION_FAILED("transaction_failed"),
        /** No transaction was changed: no usable header, or one naming a transaction not waiting for this record. */
        UNATTRIBUTED("unattributed");

        private final String label;

        Fate(String label) {
            this.label = label;
        }

        /** The metric label value. */
        public String label() {
            return label;
        }
    }

    /**
     * @param fromSite whose the record is when it has no {@code site} header, or null when that cannot be told
     * @param problem why the record cannot be read
     */
    static UnreadableRecord of(
            Source source,
            String topic,
            int partition,
            long offset,
            long timestampMs,
            String key,
            byte[] value,
            Headers headers,
            String fromSite,
            String problem) {
        String site = RelayTopics.header(headers, RelayTopics.HEADER_SITE);
        return new UnreadableRecord(
                source,
                topic,
                partition,
                offset,
                Instant.ofEpochMilli(timestampMs),
                key,
                value,
                headers,
                RelayTopics.transactionId(headers),
                site == null || site.isBlank() ? fromSite : site,
                source.reasonPrefix + problem);
    }
}
