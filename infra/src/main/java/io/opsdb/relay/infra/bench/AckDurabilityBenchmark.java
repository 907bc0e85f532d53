package io.opsdb.relay.infra.bench;

import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.infra.kafka.KafkaBroker;
import io.opsdb.relay.infra.kafka.KafkaCluster;
import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What BUFFER_DURABILITY costs: one KRaft broker, alone, as a secondary site has it, and two topics shaped like
 * {@code ops.commands}, one with {@code flush.messages=1} (fsync) and one without (page cache). Producers
 * configured as producer-secondary's send command-sized records and wait for each acknowledgement, as a
 * client's write does: one client, then four at once. The modes alternate over three rounds so that a change
 * in the machine's load falls on both.
 */
public final class AckDurabilityBenchmark {

    /** About the size of an encoded executed obs unit start. */
    private static final int RECORD_BYTES = 600;

    private static final int ROUNDS = 3;
    private static final List<String> MODES = List.of("fsync", "page-cache");

    private AckDurabilityBenchmark() {}

    /** Runs it under {@code <work dir>-bench} on the observatory's Kafka ports; prints one line per mode. */
    public static int run(StackConfig config, int writes, PrintStream out) {
        WorkDirectory workDir = new WorkDirectory(
                config.workDir().resolveSibling(config.workDir().getFileName() + "-bench"));
        workDir.recreate();
        KafkaCluster cluster = new KafkaCluster("bench", config.ports().observatoryKafka());
        KafkaBroker broker = new KafkaBroker(
                "kafka-bench",
                cluster,
                config.ports().secondary(0).kafkaController(),
                new WanCertificates(workDir),
                workDir,
                JavaCommand.forBuild(config.relayHome(), workDir));
        broker.start();
        try {
            Await.until(
                    () -> {
                        cluster.createTopics(MODES.stream()
                                .map(AckDurabilityBenchmark::topic)
                                .toList());
                        return true;
                    },
                    Duration.ofSeconds(60),
                    "benchmark topics were created");
            Map<String, Object> producer = RelayBenchmark.commandProducer(cluster.bootstrapServers());
            byte[] payload = new byte[RECORD_BYTES];
            new Random(1).nextBytes(payload);
            Map<String, List<Long>> one = Map.of("fsync", new ArrayList<>(), "page-cache", new ArrayList<>());
            Map<String, List<Long>> four = Map.of("fsync", new ArrayList<>(), "page-cache", new ArrayList<>());
            Map<String, long[]> fourNanos = Map.of("fsync", new long[1], "page-cache", new long[1]);
            try (KafkaProducer<byte[], byte[]> kafka =
                    new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
                timed(kafka, "bench.page-cache", payload, 200, 1); // warm-up
                for (int round = 0; round < ROUNDS; round++) {
                    for (String mode : MODES) {
                        one.get(mode).addAll(timed(kafka, "bench." + mode, payload, writes / ROUNDS, 1));
                        long begin = System.nanoTime();
                        four.get(mode).addAll(timed(kafka, "bench." + mode, payload, writes / ROUNDS, 4));
                        fourNanos.get(mode)[0] += System.nanoTime() - begin;
                    }
                }
            }
            for (String mode : MODES) {
                out.printf(
                        Locale.ROOT,
                        "bench-ack: %-10s 1 client p50 %.2f ms p99 %.2f ms (%.0f/s); 4 clients p50 %.2f ms p99 %.2f ms (%.0f/s)%n",
                        mode,
                        percentile(one.get(mode), 50),
                        percentile(one.get(mode), 99),
                        rate(one.get(mode)),
                        percentile(four.get(mode), 50),
                        percentile(four.get(mode), 99),
                        four.get(mode).size() / (fourNanos.get(mode)[0] / 1e9));
            }
            return 0;
        } finally {
            broker.stop();
        }
    }

    private static NewTopic topic(String mode) {
        NewTopic topic = new NewTopic("bench." + mode, 1, (short) 1);
        return mode.equals("fsync")
                ? topic.configs(
                        Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, "1"))
                : topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    }

    /** {@code writes} sends from {@code clients} threads, each waiting for its acknowledgement; latencies in ns. */
    private static List<Long> timed(
            KafkaProducer<byte[], byte[]> kafka, String topic, byte[] payload, int writes, int clients) {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(threads.submit(() -> send(kafka, topic, payload, writes / clients, latencies)));
            }
            for (Future<?> client : done) {
                client.get();
            }
        } catch (Exception e) {
            throw new IllegalStateException("benchmark writes to " + topic + " failed", e);
        } finally {
            threads.shutdown();
        }
        return latencies;
    }

    private static Void send(
            KafkaProducer<byte[], byte[]> kafka, String topic, byte[] payload, int writes, List<Long> latencies)
            throws Exception {
        for (int i = 0; i < writes; i++) {
            long begin = System.nanoTime();
            kafka.send(new ProducerRecord<>(topic, payload)).get(30, TimeUnit.SECONDS);
            latencies.add(System.nanoTime() - begin);
        }
        return null;
    }

    private static double percentile(List<Long> nanos, double percentile) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1e6;
    }

    private static double rate(List<Long> nanos) {
        return nanos.size() / (nanos.stream().mapToLong(Long::longValue).sum() / 1e9);
    }
}
