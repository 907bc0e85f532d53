package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.kafka.RelayTopics;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

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
public record UnreadableCommand(
        String topic,
        int partition,
        long offset,
        Instant timestamp,
        byte[] payload,
        String transactionId,
        String site,
        String reason) {

    public static UnreadableCommand of(ConsumerRecord<String, byte[]> record, String reason) {
        String site = RelayTopics.header(record.headers(), RelayTopics.HEADER_SITE);
        return new UnreadableCommand(
                record.topic(),
                record.partition(),
                record.offset(),
                Instant.ofEpochMilli(record.timestamp()),
                record.value(),
                RelayTopics.transactionId(record.headers()),
                site == null || site.isBlank() ? RelayTopics.sourceSite(record.topic()) : site,
                "unreadable command: " + reason);
    }
}
