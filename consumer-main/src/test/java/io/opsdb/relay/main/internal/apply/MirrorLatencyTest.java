package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class MirrorLatencyTest {

    private static final Instant NOW = Instant.parse("2026-11-30T04:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MirrorLatency latency = new MirrorLatency(registry, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void measuresEachRecordOnceFromItsProductionAtItsSite() {
        List<ConsumerRecord<String, byte[]>> batch =
                List.of(record(10, NOW.minusSeconds(3)), record(11, NOW.minusSeconds(1)));

        latency.received(batch);
        // The container delivers the same batch again after a transient failure.
        latency.received(batch);

        Timer timer = registry.get(MirrorLatency.NAME)
                .tag("origin_site", "observatory")
                .timer();
        assertThat(timer.count()).isEqualTo(2);
        assertThat(timer.totalTime(TimeUnit.SECONDS)).isEqualTo(4.0);
        assertThat(timer.max(TimeUnit.SECONDS)).isEqualTo(3.0);
    }

    @Test
    void aBatchOfSeveralSitesIsMeasuredPerSiteEachRecordOnce() {
        List<ConsumerRecord<String, byte[]>> batch = List.of(
                record("observatory.ops.commands", 10, NOW.minusSeconds(2)),
                record("summit.ops.commands", 10, NOW.minusSeconds(5)),
                record("observatory.ops.commands", 11, NOW.minusSeconds(1)));

        latency.received(batch);
        latency.received(batch);

        Timer observatory = registry.get(MirrorLatency.NAME)
                .tag("origin_site", "observatory")
                .timer();
        Timer summit =
                registry.get(MirrorLatency.NAME).tag("origin_site", "summit").timer();
        assertThat(observatory.count()).isEqualTo(2);
        assertThat(observatory.totalTime(TimeUnit.SECONDS)).isEqualTo(3.0);
        assertThat(summit.count()).isEqualTo(1);
        assertThat(summit.totalTime(TimeUnit.SECONDS)).isEqualTo(5.0);
    }

    private static ConsumerRecord<String, byte[]> record(long offset, Instant producedAt) {
        return record("observatory.ops.commands", offset, producedAt);
    }

    private static ConsumerRecord<String, byte[]> record(String topic, long offset, Instant producedAt) {
        return new ConsumerRecord<>(
                topic,
                0,
                offset,
                producedAt.toEpochMilli(),
                TimestampType.CREATE_TIME,
                0,
                0,
                "t" + offset,
                new byte[0],
                new RecordHeaders(),
                Optional.empty());
    }
}
