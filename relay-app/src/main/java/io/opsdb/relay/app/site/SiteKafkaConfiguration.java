package io.opsdb.relay.app.site;

import io.opsdb.relay.site.SiteConfiguration;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.kafka.autoconfigure.KafkaConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Points Spring Kafka's auto-configuration at this site's own cluster (KAFKA_BOOTSTRAP_SERVERS). */
@Configuration(proxyBeanMethods = false)
class SiteKafkaConfiguration {

    @Bean
    KafkaConnectionDetails kafkaConnectionDetails(SiteConfiguration site) {
        List<String> servers = Arrays.asList(site.kafkaBootstrapServers().split(","));
        return () -> servers;
    }
}
