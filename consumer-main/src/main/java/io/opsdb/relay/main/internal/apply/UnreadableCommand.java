package io.opsdb.relay.main.internal.apply;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import io.opsdb.relay.kafka.RelayTopics;

/**
 * A record on a commands topic that is not a readable command, with what its headers still say about it: a
 * site sets the {@code transaction-id} and {@code site} headers on every command it produces, so a command whose
 * bytes cannot be read can often still be given its fate.
 *
 * @param timestamp the record's timestamp, standing in for the acceptance time the command would have carried
 * @param payload the record value as it was read
 * @param transactionId the transaction its {@code transaction-id} header names, when that is a UUID; else null
 * @param site the site its {@code site} header names, else the site of the topic it was mirrored from
 * @param reason why it cannot be read
 */
public record UnreadableCommand(String topic, int partition, long offset, Instant timestamp, byte[] payload,
        String transactionId, String site, String reason) {

    public static UnreadableCommand of(ConsumerRecord<String, byte[]> record, String reason) {
        String site = header(record, RelayTopics.HEADER_SITE);
        return new UnreadableCommand(record.topic(), record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                record.value(), transactionId(header(record, RelayTopics.HEADER_TRANSACTION_ID)),
                site == null || site.isBlank() ? RelayTopics.sourceSite(record.topic()) : site, "unreadable command: " + reason);
    }

    /** The header as a canonical transaction id (lower-case UUID, as the ledger and the outcomes spell it), or null. */
    private static String transactionId(String header) {
        if (header == null) {
            return null;
        }
        try {
            String canonical = UUID.fromString(header).toString();
            return canonical.equalsIgnoreCase(header) ? canonical : null;
        }
        catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
