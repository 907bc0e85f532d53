package io.opsdb.relay.main.internal.apply;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opsdb.relay.kafka.RelayTopics;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code relay_mirror_latency_seconds{origin_site}}, a histogram: how long a command took from its production at its
 * site (the record's timestamp, which MirrorMaker 2 keeps) to its reading by its site's applier here. While the
 * applier keeps up this is MirrorMaker 2's replication latency over the WAN; after an outage it is how long the
 * commands waited for the link. MirrorMaker 2 runs as its own process without a metrics exporter, so this is where
 * its latency is seen.
 *
 * <p>Each record counts once: a batch the container delivers again after a transient failure is not measured twice.
 */
@Component
class MirrorLatency {

    static final String NAME = "relay.mirror.latency";
    private static final String SUFFIX = "." + RelayTopics.COMMANDS;

    /** Histogram range: a WAN round trip is hundreds of milliseconds; past a day an outage is the story. */
    private static final Duration MIN = Duration.ofMillis(50);

    private static final Duration MAX = Duration.ofDays(1);

    private final MeterRegistry registry;
    private final Clock clock;
    /** Per partition, the next offset not yet measured. */
    private final Map<TopicPartition, Long> measuredUpTo = new ConcurrentHashMap<>();
    /** Per mirrored topic, its site's timer. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    @Autowired
    MirrorLatency(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    MirrorLatency(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /** Measures the records of a site's batch ({@code <site>.ops.commands}) that were not measured before. */
    void received(List<ConsumerRecord<String, byte[]>> records) {
        long now = clock.millis();
        // A batch is one site's, from its topic's one partition: its state is looked up when the partition changes,
        // not for every record (this is on the applier's path).
        TopicPartition partition = null;
        long next = Long.MIN_VALUE;
        Timer timer = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            if (partition == null
                    || record.partition() != partition.partition()
                    || !record.topic().equals(partition.topic())) {
                if (partition != null) {
                    measuredUpTo.put(partition, next);
                }
                partition = new TopicPartition(record.topic(), record.partition());
                next = measuredUpTo.getOrDefault(partition, Long.MIN_VALUE);
                timer = timers.computeIfAbsent(record.topic(), topic -> timer(originSite(topic)));
            }
            if (record.offset() < next || record.timestamp() < 0) {
                continue;
            }
            next = record.offset() + 1;
            timer.record(Duration.ofMillis(Math.max(0, now - record.timestamp())));
        }
        if (partition != null) {
            measuredUpTo.put(partition, next);
        }
    }

    private static String originSite(String topic) {
        return topic.endsWith(SUFFIX) ? topic.substring(0, topic.length() - SUFFIX.length()) : topic;
    }

    private Timer timer(String originSite) {
        return Timer.builder(NAME)
                .description("From a command's production at its site to its reading by the main site's applier:"
                        + " MirrorMaker 2's replication latency while the applier keeps up")
                .tag("origin_site", originSite)
                .publishPercentileHistogram()
                .minimumExpectedValue(MIN)
                .maximumExpectedValue(MAX)
                .register(registry);
    }
}
