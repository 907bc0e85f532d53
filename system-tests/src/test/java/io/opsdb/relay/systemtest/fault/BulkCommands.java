package io.opsdb.relay.systemtest.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.MessageDecodingException;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.WriteCommand;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

/**
 * Many transactions at the observatory without many HTTP requests (a million would take hours on two cores): start
 * commands produced straight to its buffer topic, each a copy of a real one producer-secondary made, with fresh
 * transaction, record and obs unit ids, which its state processor takes in as it takes its own.
 */
final class BulkCommands {

    private BulkCommands() {}

    /**
     * Produces {@code count} start commands, copies of the newest start in the buffer topic (so a workload must have
     * written one); returns them as acknowledged writes (the producer's acks=all), obs unit ids {@code <run>-bulk-<i>}.
     */
    static List<FaultWorkload.Ack> produce(LocalStack stack, String run, int count) throws Exception {
        ConsumerRecord<byte[], byte[]> template = lastStart(stack);
        MessageCodec<WriteCommand> codec = RelayCodecs.writeCommands();
        WriteCommand original = codec.decode(template.value());
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers());
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producer.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producer.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        List<FaultWorkload.Ack> acked = new ArrayList<>(count);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> bulk =
                new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                String transactionId = UUID.randomUUID().toString();
                String recordId = UUID.randomUUID().toString();
                String obsUnitId = run + "-bulk-" + i;
                Operation op = Operation.newBuilder(original.getOperations().get(0))
                        .setRecordId(recordId)
                        .build();
                var values = new HashMap<>(op.getValues());
                values.put("obs_unit_id", obsUnitId);
                op.setValues(values);
                WriteCommand command = WriteCommand.newBuilder(original)
                        .setTransactionId(transactionId)
                        .setOperations(List.of(op))
                        .build();
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                        RelayTopics.COMMANDS, transactionId.getBytes(StandardCharsets.UTF_8), codec.encode(command));
                for (Header header : template.headers()) {
                    record.headers()
                            .add(
                                    header.key(),
                                    header.key().equals(RelayTopics.HEADER_TRANSACTION_ID)
                                            ? transactionId.getBytes(StandardCharsets.UTF_8)
                                            : header.value());
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

    /** The newest start command in the observatory's buffer topic. */
    private static ConsumerRecord<byte[], byte[]> lastStart(LocalStack stack) {
        Map<String, Object> consumer = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.observatoryBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (KafkaConsumer<byte[], byte[]> commands =
                new KafkaConsumer<>(consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(RelayTopics.COMMANDS, 0);
            commands.assign(List.of(partition));
            long end = commands.endOffsets(List.of(partition)).get(partition);
            commands.seek(partition, Math.max(0, end - 200));
            ConsumerRecord<byte[], byte[]> start = null;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (System.nanoTime() < deadline && (start == null || commands.position(partition) < end)) {
                for (ConsumerRecord<byte[], byte[]> record : commands.poll(Duration.ofSeconds(1))) {
                    WriteCommand command;
                    try {
                        command = RelayCodecs.writeCommands().decode(record.value());
                    } catch (MessageDecodingException e) {
                        // An unreadable record another test put there (UnreadableOwnCommandIT, OperatorCliIT).
                        continue;
                    }
                    if (command.getOperations().size() == 1
                            && command.getOperations().get(0).getType() == OperationType.CREATE
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
