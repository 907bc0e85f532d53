package io.opsdb.relay.site.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serializer;
import org.springframework.kafka.core.MicrometerProducerListener;

/**
 * A site's hand-built producers with their metrics ({@code kafka_producer_*}) bound to the application's
 * {@link MeterRegistry} while they are open, and unbound when they are closed. Spring Kafka's listener binds them, so
 * they carry the same tags ({@code spring_id}, the client id) as the clients Spring Boot binds. Both roles build their
 * producers through one of these.
 */
public final class MeteredProducers {

    private final MicrometerProducerListener<Object, Object> listener;

    public MeteredProducers(MeterRegistry registry) {
        this.listener = new MicrometerProducerListener<>(registry);
    }

    /** A producer with {@code config}, metered under its {@code client.id} until it is closed. */
    @SuppressWarnings("unchecked") // the listener reads only the producer's metrics, whatever it produces
    public <K, V> KafkaProducer<K, V> producer(
            Map<String, Object> config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        String id = String.valueOf(config.get(ProducerConfig.CLIENT_ID_CONFIG));
        MicrometerProducerListener<K, V> metered = (MicrometerProducerListener<K, V>) (Object) listener;
        KafkaProducer<K, V> producer = new KafkaProducer<>(config, keySerializer, valueSerializer) {
            // close() closes through close(Duration): one place unbinds it.
            @Override
            public void close(Duration timeout) {
                try {
                    super.close(timeout);
                } finally {
                    metered.producerRemoved(id, this);
                }
            }
        };
        metered.producerAdded(id, producer);
        return producer;
    }
}
