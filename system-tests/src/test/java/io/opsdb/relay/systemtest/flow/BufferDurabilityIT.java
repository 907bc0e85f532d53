package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What "acknowledged" means at the observatory (BUFFER_DURABILITY), as its own broker has {@code ops.commands}
 * configured, on the real two-site system. The stack runs with the default, {@code fsync}, unless
 * {@code -Drelay.buffer-durability} says otherwise.
 */
@ExtendWith(TwoSiteStack.class)
class BufferDurabilityIT {

    private static final String DURABILITY = System.getProperty(LocalStack.BUFFER_DURABILITY_PROPERTY, "fsync");
    private static final ConfigResource COMMANDS = new ConfigResource(ConfigResource.Type.TOPIC, RelayTopics.COMMANDS);

    @Test
    void byDefaultTheObservatorysBrokerFsyncsEveryCommandBeforeItAcknowledges() throws Exception {
        assumeTrue(DURABILITY.equals("fsync"), "the stack runs with BUFFER_DURABILITY=" + DURABILITY);
        try (Admin admin = observatoryAdmin()) {
            Config config = admin.describeConfigs(List.of(COMMANDS))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(COMMANDS);

            ConfigEntry flush = config.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
            assertThat(flush.value()).as(flush.toString()).isEqualTo("1");
            assertThat(flush.source()).as(flush.toString()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo("-1");
            TopicDescription topic = admin.describeTopics(List.of(RelayTopics.COMMANDS))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(RelayTopics.COMMANDS);
            assertThat(topic.partitions()).hasSize(1);
        }
    }

    @Test
    void theObservatoryAltersTheTopicTheLauncherMadeAndSaysWhatChanged() throws Exception {
        assumeTrue(DURABILITY.equals("fsync"), "the stack runs with BUFFER_DURABILITY=" + DURABILITY);
        // The launcher creates ops.commands with the broker's flush default (it must exist before MirrorMaker 2
        // starts), so the observatory's application finds it so at its first start.
        String log = Files.readString(TwoSiteStack.stack().logDir().resolve(LocalStack.OBSERVATORY_APP + ".log"));
        assertThat(log.lines().filter(line -> line.contains("CommandTopic")))
                .anySatisfy(line -> assertThat(line)
                        .contains("INFO")
                        .contains("ops.commands: set flush.messages=1 (was " + Long.MAX_VALUE + " from DEFAULT_CONFIG)")
                        .contains("BUFFER_DURABILITY=fsync"));
    }

    @Test
    void withThePageCacheTheTopicHasNoFlushOfItsOwn() throws Exception {
        assumeTrue(DURABILITY.equals("page-cache"), "the stack runs with BUFFER_DURABILITY=" + DURABILITY);
        try (Admin admin = observatoryAdmin()) {
            Config config = admin.describeConfigs(List.of(COMMANDS))
                    .all()
                    .get(30, TimeUnit.SECONDS)
                    .get(COMMANDS);

            ConfigEntry flush = config.get(TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG);
            assertThat(flush.source()).as(flush.toString()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        }
    }

    private static Admin observatoryAdmin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TwoSiteStack.stack().observatoryBootstrapServers()));
    }
}
