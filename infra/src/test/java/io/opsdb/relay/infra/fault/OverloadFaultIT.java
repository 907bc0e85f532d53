package io.opsdb.relay.infra.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.flow.Conditions;
import io.opsdb.relay.infra.flow.SiteHttp;
import io.opsdb.relay.infra.flow.TwoSiteStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.WriteCommand;

/**
 * Scenario 6: overload. More than a million transactions in flight at the observatory, far more than the main
 * side can take at once: HTTP clients keep writing and their acknowledgements stay local, producer-secondary's
 * heap stays within its fixed maximum (its in-flight state is in RocksDB, not on the heap; heap and RSS are
 * recorded), and once the WAN is back the backlog drains by itself.
 *
 * <p>A million HTTP requests would take hours on two cores, so the bulk of the backlog is produced straight to
 * the observatory's buffer topic by a Kafka producer: commands exactly as producer-secondary makes them (a real
 * one is the template, with fresh ids), which its state processor takes in as it takes its own. The WAN is held
 * down while they are produced so that all of them are in flight at once.
 */
@ExtendWith(TwoSiteStack.class)
@Order(FaultScenario.AFTER_THE_FLOW_TESTS + 7)
@EnabledIfSystemProperty(named = "relay.faults", matches = "full")
@Timeout(value = 90, unit = TimeUnit.MINUTES)
class OverloadFaultIT {

    private static final int BULK = 1_000_000;
    private static final int CLIENTS = 2;
    private static final int STATUS_SAMPLE = 2_000;
    private static final Duration DRAIN = Duration.ofMinutes(60);

    @Test
    void aMillionInFlightKeepAcknowledgementsLocalAndHeapBoundedThenDrain() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        FaultScenario scenario = new FaultScenario("overload: 1,000,000 in flight");
        SiteHttp observatory = scenario.observatory();
        try (FaultWorkload workload = new FaultWorkload(scenario.run(), CLIENTS).start()) {
            workload.awaitAcked(200, Duration.ofMinutes(3));
            long quiet = System.nanoTime();
            Memory idle = memory(stack, observatory);

            stack.stop(LocalStack.MM2_COLOGNE);
            List<FaultWorkload.Ack> bulk;
            Memory loaded;
            int peakInFlight;
            long loadedAt;
            try {
                long produceBegin = System.nanoTime();
                bulk = produceBulk(stack, workload, scenario.run());
                Duration produced = Duration.ofNanos(System.nanoTime() - produceBegin);
                Conditions.waitFor(() -> observatory.get("/api/buffer").json().get("in_flight").asInt() >= BULK,
                        Duration.ofMinutes(30), FaultScenario.POLL, "the observatory did not take the bulk in");
                loadedAt = System.nanoTime();
                peakInFlight = observatory.get("/api/buffer").json().get("in_flight").asInt();
                loaded = memory(stack, observatory);
                workload.awaitMoreAcked(200, Duration.ofMinutes(5));
                System.out.printf("overload: %d produced in %s, in flight %d%n", BULK, produced, peakInFlight);
            }
            finally {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
            long healed = System.nanoTime();
            double p50Before = workload.ackPercentileMs(50, 0, quiet);
            double p99Before = workload.ackPercentileMs(99, 0, quiet);
            double p50Loaded = workload.ackPercentileMs(50, loadedAt, healed);
            double p99Loaded = workload.ackPercentileMs(99, loadedAt, healed);
            workload.awaitMoreAcked(200, Duration.ofMinutes(10));
            double p99Draining = workload.ackPercentileMs(99, healed, System.nanoTime());
            workload.stop();

            Conditions.waitFor(() -> observatory.get("/api/buffer").json().get("in_flight").asInt() == 0, DRAIN,
                    FaultScenario.POLL, "the backlog did not drain");
            Duration drained = Duration.ofNanos(System.nanoTime() - healed);
            Memory after = memory(stack, observatory);

            // Every workload write's status is asked; of the bulk, a random sample (nothing is in flight and no
            // FAILED is among them, which the audit shows from the ledger for all of them).
            List<FaultWorkload.Ack> all = new ArrayList<>(workload.acked());
            java.util.Collections.shuffle(bulk, new java.util.Random(11));
            RelayAudit.Findings sampled = RelayAudit.audit(scenario.run(), bulk.subList(0, STATUS_SAMPLE), workload.client(), List.of());
            assertThat(sampled.clean()).as("sampled bulk: %s", sampled).isTrue();
            all.addAll(bulk);
            RelayAudit.Findings findings = RelayAudit.audit(scenario.run(), all, workload.client(), List.of(), workload.acked().size());

            String notes = String.format(java.util.Locale.ROOT,
                    "%,d in flight at the peak (%,d produced to the buffer topic, %d HTTP clients on top); producer-secondary"
                            + " (-Xmx512m) heap used %s idle, %s at the peak, %s after; RSS %s, %s, %s; HTTP ack p50/p99 %s/%s before,"
                            + " %s/%s at the peak, p99 %s while draining; drained in %s; statuses asked: every HTTP write and %,d"
                            + " of the bulk",
                    peakInFlight, BULK, CLIENTS, mib(idle.heap()), mib(loaded.heap()), mib(after.heap()), mib(idle.rss()),
                    mib(loaded.rss()), mib(after.rss()), FaultScenario.ms(p50Before), FaultScenario.ms(p99Before),
                    FaultScenario.ms(p50Loaded), FaultScenario.ms(p99Loaded), FaultScenario.ms(p99Draining),
                    FaultScenario.seconds(drained), STATUS_SAMPLE);
            ReliabilityReport.record(new ReliabilityReport.Row("overload: 1,000,000 in flight", findings.acknowledged(),
                    findings.lost(), findings.duplicated(), findings.failed(), drained, notes,
                    ReliabilityReport.command(OverloadFaultIT.class)));
            assertThat(findings.clean()).as("%s", findings).isTrue();
            assertThat(peakInFlight).isGreaterThanOrEqualTo(BULK);
        }
    }

    private record Memory(long heap, long rss) {
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.0f MiB", bytes / 1048576.0);
    }

    /** producer-secondary's heap in use (from its metrics) and its resident set size (from /proc). */
    private static Memory memory(LocalStack stack, SiteHttp observatory) throws Exception {
        String metrics = observatory.get("/actuator/prometheus").body();
        long heap = (long) metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{") && l.contains("area=\"heap\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        Path pidFile = stack.workDir().resolve("pids").resolve(LocalStack.PRODUCER_SECONDARY + ".pid");
        String pid = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        long rssKib = Files.readAllLines(Path.of("/proc", pid, "status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong).findFirst().orElseThrow();
        return new Memory(heap, rssKib * 1024);
    }

    /**
     * Produces {@link #BULK} start commands to the observatory's buffer topic, each a copy of a real one with fresh
     * transaction, record and obs unit ids; returns them as acknowledged writes (the producer's acks=all).
     */
    private static List<FaultWorkload.Ack> produceBulk(LocalStack stack, FaultWorkload workload, String run) throws Exception {
        ConsumerRecord<byte[], byte[]> template = lastCommand(stack, workload);
        MessageCodec<WriteCommand> codec = RelayCodecs.writeCommands();
        WriteCommand original = codec.decode(template.value());
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        List<FaultWorkload.Ack> acked = new ArrayList<>(BULK);
        java.util.concurrent.atomic.AtomicReference<Exception> failure = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> bulk = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < BULK; i++) {
                String transactionId = UUID.randomUUID().toString();
                String recordId = UUID.randomUUID().toString();
                String obsUnitId = run + "-bulk-" + i;
                Operation op = Operation.newBuilder(original.getOperations().get(0)).setRecordId(recordId).build();
                var values = new HashMap<>(op.getValues());
                values.put("obs_unit_id", obsUnitId);
                op.setValues(values);
                WriteCommand command = WriteCommand.newBuilder(original).setTransactionId(transactionId)
                        .setOperations(List.of(op)).build();
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(RelayTopics.COMMANDS,
                        transactionId.getBytes(StandardCharsets.UTF_8), codec.encode(command));
                for (Header header : template.headers()) {
                    record.headers().add(header.key(), header.key().equals(RelayTopics.HEADER_TRANSACTION_ID)
                            ? transactionId.getBytes(StandardCharsets.UTF_8) : header.value());
                }
                bulk.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    }
                });
                acked.add(new FaultWorkload.Ack(transactionId, recordId, obsUnitId, null, 0, System.nanoTime()));
            }
            bulk.flush();
        }
        if (failure.get() != null) {
            throw new AssertionError("the bulk was not all acknowledged", failure.get());
        }
        return acked;
    }

    /** The newest command in the observatory's buffer topic: one of the workload's starts. */
    private static ConsumerRecord<byte[], byte[]> lastCommand(LocalStack stack, FaultWorkload workload) {
        Map<String, Object> consumer = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> commands = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(RelayTopics.COMMANDS, 0);
            commands.assign(List.of(partition));
            long end = commands.endOffsets(List.of(partition)).get(partition);
            commands.seek(partition, Math.max(0, end - 200));
            ConsumerRecord<byte[], byte[]> start = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline && (start == null || commands.position(partition) < end)) {
                for (ConsumerRecord<byte[], byte[]> record : commands.poll(Duration.ofSeconds(1))) {
                    WriteCommand command = RelayCodecs.writeCommands().decode(record.value());
                    if (command.getOperations().size() == 1
                            && command.getOperations().get(0).getType() == io.opsdb.relay.schema.OperationType.CREATE
                            && command.getAttempt() == 1) {
                        start = record;
                    }
                }
            }
            assertThat(start).as("a start command in the buffer topic to copy").isNotNull();
            return start;
        }
    }
}
