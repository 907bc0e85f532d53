package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class UnreadableCommandTest {

    private static final String TRANSACTION = "0b3c6f0e-8d3a-4e55-9a47-2f1f3c1f9b10";

    @Test
    void theHeadersOfAnUnreadableRecordNameItsTransactionAndSite() {
        UnreadableCommand unreadable =
                UnreadableCommand.of(record(TRANSACTION.toUpperCase(), "observatory"), "bad magic");

        assertThat(unreadable.transactionId())
                .as("canonical, as the ledger spells it")
                .isEqualTo(TRANSACTION);
        assertThat(unreadable.site()).isEqualTo("observatory");
        assertThat(unreadable.reason()).isEqualTo("unreadable command: bad magic");
        assertThat(unreadable.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(unreadable.payload()).isEqualTo("garbage".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void withoutUsableHeadersNoTransactionIsNamedAndTheSiteIsTheTopics() {
        assertThat(UnreadableCommand.of(record(null, null), "bad magic").transactionId())
                .isNull();
        assertThat(UnreadableCommand.of(record(null, null), "bad magic").site()).isEqualTo("lapalma");
        assertThat(UnreadableCommand.of(record("not-a-uuid", null), "bad magic").transactionId())
                .isNull();
        assertThat(UnreadableCommand.of(record("0b3c6f0e-8d3a-4e55-9a47-2f1f3c1f9b1", null), "bad magic")
                        .transactionId())
                .as("a UUID parser accepts short groups; a transaction id is canonical")
                .isNull();
    }

    private static ConsumerRecord<String, byte[]> record(String transactionId, String site) {
        RecordHeaders headers = new RecordHeaders();
        if (transactionId != null) {
            headers.add(RelayTopics.HEADER_TRANSACTION_ID, transactionId.getBytes(StandardCharsets.UTF_8));
        }
        if (site != null) {
            headers.add(RelayTopics.HEADER_SITE, site.getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(
                "lapalma.ops.commands",
                0,
                42,
                1_700_000_000_000L,
                TimestampType.CREATE_TIME,
                7,
                7,
                null,
                "garbage".getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty());
    }
}
