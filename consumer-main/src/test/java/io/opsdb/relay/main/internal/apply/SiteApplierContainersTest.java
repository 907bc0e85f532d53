package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

class SiteApplierContainersTest {

    private final ConcurrentKafkaListenerContainerFactory<String, byte[]> factory = factory();
    private final SiteApplierContainers containers = new SiteApplierContainers(
            mock(Admin.class), new KafkaListenerEndpointRegistry(), factory, mock(MirroredCommandListener.class));

    private static ConcurrentKafkaListenerContainerFactory<String, byte[]> factory() {
        ConcurrentKafkaListenerContainerFactory<String, byte[]> factory =
                new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory(
                new DefaultKafkaConsumerFactory<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1")));
        factory.setBatchListener(true);
        return factory;
    }

    private static SiteAppliers.OriginSite site(String name) {
        return new SiteAppliers.OriginSite(
                MirroredCommandTopic.of(name + ".ops.commands", "cologne").orElseThrow(),
                new PausingBackOff(
                        "applier of " + name,
                        3,
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(1),
                        Clock.systemUTC()));
    }

    @Test
    void eachSitesContainerReadsItsTopicAloneInItsOwnGroupWithItsOwnErrorHandler() {
        ConcurrentMessageListenerContainer<String, byte[]> summit =
                factory.createListenerContainer(containers.endpoint(site("summit")));
        ConcurrentMessageListenerContainer<String, byte[]> lab =
                factory.createListenerContainer(containers.endpoint(site("lab")));

        assertThat(summit.getListenerId()).isEqualTo("command-applier-summit");
        assertThat(summit.getGroupId()).isEqualTo("relay-applier-summit");
        assertThat(summit.getContainerProperties().getTopics()).containsExactly("summit.ops.commands");
        assertThat(summit.getContainerProperties().getTopicPattern()).isNull();
        assertThat(summit.getConcurrency()).isEqualTo(1);
        assertThat(summit.getCommonErrorHandler()).isNotNull().isNotSameAs(lab.getCommonErrorHandler());
        assertThat(lab.getGroupId()).isEqualTo("relay-applier-lab");
    }
}
