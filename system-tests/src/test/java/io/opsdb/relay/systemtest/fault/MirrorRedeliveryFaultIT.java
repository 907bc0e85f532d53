package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 8: commands delivered to Cologne again while the clients write on, as MirrorMaker 2 does after a restart
 * that lost its committed offsets (it is at-least-once): every command of the run mirrored so far is appended to
 * {@code observatory.ops.commands} once more. I2: the ledger claim skips every copy, so the audit finds no dead
 * letter, no unique violation, no later attempt and no note put back over a finish. The audit is shown to catch the
 * copies when the applier is told not to skip them ({@code RELAY_TEST_ONLY_APPLY_DUPLICATES=true}).
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 8)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class MirrorRedeliveryFaultIT {

    private static final int CLIENTS = 4;
    private static final String MIRRORED_COMMANDS = "observatory." + RelayTopics.COMMANDS;
    private static final TopicPartition MIRRORED = new TopicPartition(MIRRORED_COMMANDS, 0);

    @Test
    void commandsDeliveredAgainAreSkippedWhileTheClientsWriteOn() throws Exception {
        FaultScenario scenario = new FaultScenario("commands delivered again");
        try (KafkaConsumer<String, byte[]> mirrored = consumer();
                KafkaProducer<String, byte[]> cologne = producer()) {
            long from = mirrored.endOffsets(List.of(MIRRORED)).get(MIRRORED);
            try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
                workload.awaitAcked(FaultScenario.FULL ? 3_000 : 300, Duration.ofMinutes(5));

                long redelivering = System.nanoTime();
                int delivered = deliverAgain(mirrored, cologne, from);
                long healed = System.nanoTime();
                assertThat(delivered).as("commands of the run delivered again").isPositive();
                Duration recovered = scenario.healedAndDrained(workload, healed);

                String notes = delivered + " commands delivered again (offsets " + from + " on) in "
                        + FaultScenario.seconds(Duration.ofNanos(healed - redelivering)) + " while " + CLIENTS
                        + " clients wrote on";
                scenario.auditAndRecord(workload, recovered, notes, MirrorRedeliveryFaultIT.class);
            }
        }
    }

    /** Appends a copy of every record of the mirrored topic from {@code from} to its end now; returns how many. */
    private static int deliverAgain(
            KafkaConsumer<String, byte[]> mirrored, KafkaProducer<String, byte[]> cologne, long from) throws Exception {
        long end = mirrored.endOffsets(List.of(MIRRORED)).get(MIRRORED);
        mirrored.assign(List.of(MIRRORED));
        mirrored.seek(MIRRORED, from);
        int[] copied = {0};
        Conditions.waitFor(
                () -> {
                    for (ConsumerRecord<String, byte[]> record : mirrored.poll(Duration.ofMillis(200))) {
                        if (record.offset() < end) {
                            cologne.send(new ProducerRecord<>(
                                    MIRRORED_COMMANDS, null, record.key(), record.value(), record.headers()));
                            copied[0]++;
                        }
                    }
                    return mirrored.position(MIRRORED) >= end;
                },
                Duration.ofMinutes(2),
                "the mirrored commands up to offset " + end + " were not read back");
        cologne.flush();
        return copied[0];
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties config = new Properties();
        config.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TwoSiteStack.stack().mainBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "fault-redelivery-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                // Read what MirrorMaker 2 wrote, as the applier does.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"));
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties config = new Properties();
        config.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TwoSiteStack.stack().mainBootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                RelayLimits.MAX_RECORD_BYTES));
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }
}
