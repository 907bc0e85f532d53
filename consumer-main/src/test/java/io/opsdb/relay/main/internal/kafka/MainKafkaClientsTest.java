package io.opsdb.relay.main.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class MainKafkaClientsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MainKafkaClients clients = new MainKafkaClients(registry);

    @Test
    void producersAreMeteredUnderTheirClientIdUntilTheyAreClosed() {
        KafkaProducer<String, String> producer = clients.producer(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
                        ProducerConfig.CLIENT_ID_CONFIG, "relay-outcomes"),
                new StringSerializer(),
                new StringSerializer());

        assertThat(meterNames("kafka.producer."))
                .contains("kafka.producer.record.send.total", "kafka.producer.request.latency.avg");
        assertThat(registry.find("kafka.producer.record.send.total")
                        .tag("spring.id", "relay-outcomes")
                        .meters())
                .hasSize(1);

        producer.close(Duration.ZERO);

        assertThat(meterNames("kafka.producer.")).isEmpty();
    }

    @Test
    void theAppliersConsumersAreMeteredWithTheirLagUntilTheyAreClosed() {
        Consumer<String, String> consumer = clients.<String, String>consumerFactory(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        "localhost:1",
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "relay-applier-observatory",
                        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class,
                        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                        StringDeserializer.class))
                .createConsumer();

        assertThat(meterNames("kafka.consumer.")).contains("kafka.consumer.fetch.manager.records.lag.max");

        // As the listener container closes it.
        consumer.close();

        assertThat(meterNames("kafka.consumer.")).isEmpty();
    }

    private Set<String> meterNames(String prefix) {
        return registry.getMeters().stream()
                .map(Meter::getId)
                .map(Meter.Id::getName)
                .filter(name -> name.startsWith(prefix))
                .collect(Collectors.toSet());
    }
}
