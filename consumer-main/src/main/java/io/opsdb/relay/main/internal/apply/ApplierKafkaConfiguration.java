package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.DefaultErrorHandler;

@Configuration(proxyBeanMethods = false)
class ApplierKafkaConfiguration {

    /** Longest delay between two tries of the same batch, and the pause after TRANSACTION_RETRY_ATTEMPTS retries. */
    static final Duration RETRY_MAX_DELAY = Duration.ofMinutes(1);

    @Bean
    MessageCodec<WriteCommand> writeCommandCodec() {
        return RelayCodecs.writeCommands();
    }

    @Bean
    PausingBackOff applierBackOff(SiteConfiguration site) {
        Duration base = site.transactionRetryDelay();
        return new PausingBackOff(
                site.transactionRetryAttempts(),
                base,
                base.compareTo(RETRY_MAX_DELAY) > 0 ? base : RETRY_MAX_DELAY,
                RETRY_MAX_DELAY,
                Clock.systemUTC());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> commandContainerFactory(
            KafkaProperties kafka, SiteConfiguration site, PausingBackOff applierBackOff) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafkaBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "relay-applier");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // A new secondary site's mirrored topic is found at the next metadata refresh (default 5 min).
        config.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, 10_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(new DefaultKafkaConsumerFactory<>(config));
        factory.setBatchListener(true);
        // One consumer: each site's topic has one partition and its order is the contract.
        factory.setConcurrency(1);
        factory.getContainerProperties().setAckMode(AckMode.BATCH);

        // Transient failures retry the same batch: TRANSACTION_RETRY_ATTEMPTS times with exponential back-off,
        // then a pause, then again, with no end: a command is never skipped for a database outage. Permanent
        // failures never reach here (they become FAILED ledger rows with their dead letters).
        DefaultErrorHandler errorHandler = new DefaultErrorHandler(
                (record, e) -> {
                    throw new IllegalStateException(
                            "the applier never skips a command; " + record.topic() + "-" + record.partition() + "@"
                                    + record.offset() + " would have been",
                            e);
                },
                applierBackOff);
        // Every exception is retried: none of the default "fatal" ones may skip a batch either.
        errorHandler.setClassifications(Map.of(), true);
        errorHandler.setRetryListeners(applierBackOff);
        factory.setCommonErrorHandler(errorHandler);
        return factory;
    }
}
