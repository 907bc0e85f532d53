package io.opsdb.relay.secondary.internal.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.opsdb.relay.site.kafka.MeteredProducers;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.springframework.kafka.streams.KafkaStreamsMicrometerListener;
import org.springframework.stereotype.Component;

/**
 * Where a secondary site's Kafka clients are built: each has its metrics bound to the application's
 * {@link MeterRegistry} while it is open ({@code kafka_producer_*}, and for Streams {@code kafka_stream_*} with its own
 * consumers' {@code kafka_consumer_*}, such as {@code kafka_consumer_fetch_manager_records_lag_max}), and unbound when
 * it is closed. Spring Boot binds only the clients of the factories it configures; these clients are built by hand
 * for their settings. Spring Kafka's listeners bind them, so they carry the same tags ({@code spring_id}, the client
 * id here) as the clients Spring Boot binds.
 */
@Component
public class SecondaryKafkaClients {

    private final MeteredProducers producers;
    private final KafkaStreamsMicrometerListener streams;
    /** The id each open Streams client is metered under, as Spring Kafka's listener unbinds by it. */
    private final Map<KafkaStreams, String> streamsIds = new ConcurrentHashMap<>();

    public SecondaryKafkaClients(MeterRegistry registry) {
        this.producers = new MeteredProducers(registry);
        this.streams = new KafkaStreamsMicrometerListener(registry);
    }

    /** A producer with {@code config}, metered under its {@code client.id} until it is closed. */
    public <K, V> KafkaProducer<K, V> producer(
            Map<String, Object> config, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return producers.producer(config, keySerializer, valueSerializer);
    }

    /**
     * Kafka Streams running {@code topology}, metered under its {@code application.id} until it is closed with
     * {@link #close(KafkaStreams, Duration)}. (Not a subclass closing itself, as the producers are: Streams names its
     * logger after its own class, and a subclass would move its log out of {@code org.apache.kafka}.)
     */
    public KafkaStreams streams(Topology topology, Properties config) {
        KafkaStreams built = new KafkaStreams(topology, config);
        String id = config.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
        streamsIds.put(built, id);
        streams.streamsAdded(id, built);
        return built;
    }

    /** Closes {@code built}, from {@link #streams}, and unbinds its metrics; what {@link KafkaStreams#close(Duration)} returns. */
    public boolean close(KafkaStreams built, Duration timeout) {
        try {
            return built.close(timeout);
        } finally {
            String id = streamsIds.remove(built);
            if (id != null) {
                streams.streamsRemoved(id, built);
            }
        }
    }
}
