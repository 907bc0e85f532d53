package io.opsdb.relay.main.internal.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsdb.relay.site.kafka.MeteredProducers;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.MicrometerConsumerListener;
import org.springframework.stereotype.Component;

/**
 * Where the main site's Kafka clients are built: each has its metrics bound to the application's
 * {@link MeterRegistry} while it is open ({@code kafka_producer_*} for the outcomes' producer, {@code kafka_consumer_*}
 * for each site's applier, such as {@code kafka_consumer_fetch_manager_records_lag_max}), and unbound when it is
 * closed. Spring Boot binds only the clients of the factories it configures; these are built by hand for their
 * settings. Spring Kafka's listeners bind them, so they carry the same tags ({@code spring_id}) as the clients Spring
 * Boot binds.
 */
@Component
public class MainKafkaClients {

    private final MeterRegistry registry;
    private final MeteredProducers producers;

    public MainKafkaClients(MeterRegistry registry) {
        this.registry = registry;
        this.producers = new MeteredProducers(registry);
    }

    /** A producer with {@code config}, metered under its {@code client.id} until it is closed. */
    public <K, V> KafkaProducer<K, V> producer(
            Map<String, Object> config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return producers.producer(config, keySerializer, valueSerializer);
    }

    /** A consumer factory with {@code config} whose consumers are metered while they are open. */
    public <K, V> DefaultKafkaConsumerFactory<K, V> consumerFactory(Map<String, Object> config) {
        DefaultKafkaConsumerFactory<K, V> factory = new DefaultKafkaConsumerFactory<>(config);
        factory.addListener(new MicrometerConsumerListener<>(registry));
        return factory;
    }
}
