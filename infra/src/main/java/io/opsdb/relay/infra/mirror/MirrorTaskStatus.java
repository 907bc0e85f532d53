package io.opsdb.relay.infra.mirror;

import io.opsdb.relay.infra.kafka.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What a MirrorMaker 2 flow's replication task last reported of itself. Each flow's Connect worker writes its
 * connectors' and tasks' states to {@code mm2-status.<source>.internal} on the target cluster (JSON, keyed
 * {@code status-task-<connector>-<task>}); a task writes RUNNING once it has its consumer of the source cluster and
 * its producer to the target.
 */
public final class MirrorTaskStatus {

    /** The task that copies records; its RUNNING state means the flow mirrors. */
    public static final String SOURCE_TASK = "MirrorSourceConnector-0";

    private static final String KEY = "status-task-" + SOURCE_TASK;
    private static final String RUNNING = "\"state\":\"RUNNING\"";
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private MirrorTaskStatus() {}

    /** The status topic of the flow from {@code sourceAlias}, on its target cluster (MirrorMaker 2's default name). */
    public static String topic(String sourceAlias) {
        return "mm2-status." + sourceAlias + ".internal";
    }

    /**
     * Whether the flow from {@code sourceAlias} into {@code target} has reported its replication task RUNNING at or
     * after {@code since}, and nothing else since that report. The task's records share one key, so they are in one
     * partition, in the order written.
     */
    public static boolean runningSince(String sourceAlias, KafkaCluster target, Instant since) {
        String topic = topic(sourceAlias);
        try (KafkaConsumer<byte[], byte[]> consumer = target.consumer("localstack-mirror-status-" + sourceAlias)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndTimestamp> firsts = consumer.offsetsForTimes(
                    partitions.stream().collect(Collectors.toMap(Function.identity(), p -> since.toEpochMilli())));
            String last = null;
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp first = firsts.get(partition);
                if (first == null) {
                    continue;
                }
                consumer.seek(partition, first.offset());
                long end = ends.get(partition);
                while (consumer.position(partition) < end) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new TimeoutException("could not read " + partition + " to offset " + end + " within "
                                + READ_TIMEOUT.toSeconds() + " s");
                    }
                    for (ConsumerRecord<byte[], byte[]> record :
                            consumer.poll(POLL).records(partition)) {
                        if (record.key() != null
                                && record.value() != null
                                && KEY.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                            last = new String(record.value(), StandardCharsets.UTF_8);
                        }
                    }
                }
            }
            return last != null && last.contains(RUNNING);
        }
    }
}
