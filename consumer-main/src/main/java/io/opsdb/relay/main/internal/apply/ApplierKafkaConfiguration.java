package io.opsdb.relay.main.internal.apply;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.main.internal.kafka.MainKafkaClients;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

@Configuration(proxyBeanMethods = false)
class ApplierKafkaConfiguration {

    /** Longest delay between two tries of the same batch, and the pause after TRANSACTION_RETRY_ATTEMPTS retries. */
    static final Duration RETRY_MAX_DELAY = Duration.ofMinutes(1);

    @Bean
    MessageCodec<WriteCommand> writeCommandCodec() {
        return RelayCodecs.writeCommands();
    }

    /** A new back-off for one site's applier: each site retries and pauses on its own. */
    static PausingBackOff backOff(SiteConfiguration site, String originSite) {
        Duration base = site.transactionRetryDelay();
        return new PausingBackOff(
                "applier of " + originSite,
                site.transactionRetryAttempts(),
                base,
                base.compareTo(RETRY_MAX_DELAY) > 0 ? base : RETRY_MAX_DELAY,
                RETRY_MAX_DELAY,
                Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    SiteApplierContainers siteApplierContainers(
            KafkaProperties kafka,
            SiteConfiguration site,
            KafkaListenerEndpointRegistry registry,
            ConcurrentKafkaListenerContainerFactory<String, byte[]> commandContainerFactory,
            MirroredCommandListener listener) {
        Map<String, Object> config = kafka.buildAdminProperties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafkaBootstrapServers());
        return new SiteApplierContainers(Admin.create(config), registry, commandContainerFactory, listener);
    }

    @Bean
    SiteAppliers siteAppliers(SiteConfiguration site, SiteApplierContainers containers, ApplyListener applyListener) {
        return new SiteAppliers(
                site.siteName(), containers, containers, origin -> backOff(site, origin), applyListener);
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, byte[]> commandContainerFactory(
            KafkaProperties kafka, SiteConfiguration site, MainKafkaClients clients) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafkaBootstrapServers());
        // Each site's applier has a group of its own (SiteAppliers.OriginSite#groupId), set by its endpoint.
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);

        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(clients.consumerFactory(config));
        factory.setBatchListener(true);
        // One consumer per site: each site's topic has one partition and its order is the contract.
        factory.setConcurrency(1);
        factory.getContainerProperties().setAckMode(AckMode.BATCH);
        // Each site's container gets the error handler around its own back-off (SiteApplierContainers#endpoint).
        return factory;
    }
}
