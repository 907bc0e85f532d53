package io.opsdb.relay.main.apply;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Records that are not a readable command, kept in {@code relay_dead_letter} with their bytes and the
 * reason: set aside, never silently dropped, and never blocking the commands behind them.
 */
@Component
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final JdbcTemplate jdbc;

    public DeadLetters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(ConsumerRecord<String, byte[]> record, String reason) {
        LOG.error("Unreadable record {}-{}@{} set aside: {}", record.topic(), record.partition(), record.offset(), reason);
        jdbc.update("""
                INSERT INTO relay_dead_letter (source_topic, source_partition, source_offset, error, payload)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                record.topic(), record.partition(), record.offset(), reason, record.value());
    }
}
