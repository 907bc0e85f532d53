package io.opsdb.relay.main.internal.outcome;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.CodecSerializer;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.TransactionOutcome;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces outcomes to {@code ops.outcomes} on the main site's cluster, idempotently and with acks=all. */
final class OutcomePublisher implements AutoCloseable {

    private final KafkaProducer<String, TransactionOutcome> producer;

    OutcomePublisher(Map<String, Object> producerConfig) {
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-outcomes");
        this.producer = new KafkaProducer<>(
                config, new StringSerializer(), new CodecSerializer<>(RelayCodecs.transactionOutcomes()));
    }

    Future<RecordMetadata> publish(TransactionOutcome outcome) {
        ProducerRecord<String, TransactionOutcome> record =
                new ProducerRecord<>(RelayTopics.OUTCOMES, outcome.getTransactionId(), outcome);
        record.headers()
                .add(
                        RelayTopics.HEADER_TRANSACTION_ID,
                        outcome.getTransactionId().getBytes(StandardCharsets.UTF_8))
                .add(RelayTopics.HEADER_SITE, outcome.getSite().getBytes(StandardCharsets.UTF_8))
                .add(RelayTopics.HEADER_OPERATION, outcome.getStatus().name().getBytes(StandardCharsets.UTF_8));
        return producer.send(record);
    }

    @Override
    public void close() {
        producer.close();
    }
}
