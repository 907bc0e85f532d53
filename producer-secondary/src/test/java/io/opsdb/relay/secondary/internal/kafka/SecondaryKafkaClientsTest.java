package io.opsdb.relay.secondary.internal.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecondaryKafkaClientsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SecondaryKafkaClients clients = new SecondaryKafkaClients(registry);

    @Test
    void producersAreMeteredUnderTheirClientIdUntilTheyAreClosed() {
        KafkaProducer<String, String> producer = clients.producer(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1",
                        ProducerConfig.CLIENT_ID_CONFIG, "relay-observatory-commands"),
                new StringSerializer(),
                new StringSerializer());

        assertThat(meterNames("relay-observatory-commands"))
                .contains("kafka.producer.record.send.total", "kafka.producer.request.latency.avg");

        producer.close(Duration.ZERO);

        assertThat(meterNames("relay-observatory-commands")).isEmpty();
    }

    @Test
    void streamsAreMeteredWithTheirOwnConsumersLagUntilTheyAreClosed(@TempDir Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "relay-observatory-transactions");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams streams = clients.streams(builder.build(), config);

        assertThat(meterNames("relay-observatory-transactions"))
                .contains("kafka.stream.alive.stream.threads", "kafka.consumer.fetch.manager.records.lag.max");

        clients.close(streams, Duration.ofSeconds(10));

        assertThat(meterNames("relay-observatory-transactions")).isEmpty();
    }

    /** The names of the meters bound for the client {@code id} (Spring Kafka's {@code spring.id} tag). */
    private Set<String> meterNames(String id) {
        return registry.getMeters().stream()
                .filter(meter -> id.equals(meter.getId().getTag("spring.id")))
                .map(Meter::getId)
                .map(Meter.Id::getName)
                .collect(Collectors.toSet());
    }
}
