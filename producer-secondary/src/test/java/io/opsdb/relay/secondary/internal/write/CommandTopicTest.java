package io.opsdb.relay.secondary.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.site.BufferDurability;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsResult;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** How start-up makes {@code ops.commands} fit BUFFER_DURABILITY, against an admin client that stands in for the broker. */
class CommandTopicTest {

    private static final String FLUSH = TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG;
    /** Kafka's own default for flush.messages (log.flush.interval.messages): never flush on a count. */
    private static final String NEVER = String.valueOf(Long.MAX_VALUE);

    private static final ConfigResource COMMANDS = new ConfigResource(ConfigResource.Type.TOPIC, RelayTopics.COMMANDS);

    private final Admin admin = mock(Admin.class);

    @Test
    void fsyncNeedsTheTopicsOwnFlushAfterEveryMessage() {
        assertThat(CommandTopic.flushChange(config(FLUSH, NEVER, ConfigSource.DEFAULT_CONFIG), BufferDurability.FSYNC))
                .hasValueSatisfying(op -> assertSet(op, "1"));
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, "10000", ConfigSource.DYNAMIC_TOPIC_CONFIG), BufferDurability.FSYNC))
                .hasValueSatisfying(op -> assertSet(op, "1"));
        // A broker-wide 1 is not enough: the topic keeps its durability whatever the broker is later set to.
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, "1", ConfigSource.STATIC_BROKER_CONFIG), BufferDurability.FSYNC))
                .hasValueSatisfying(op -> assertSet(op, "1"));
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, "1", ConfigSource.DYNAMIC_TOPIC_CONFIG), BufferDurability.FSYNC))
                .isEmpty();
    }

    @Test
    void pageCacheRemovesTheTopicsFlushSoThatTheBrokersDefaultApplies() {
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, "1", ConfigSource.DYNAMIC_TOPIC_CONFIG), BufferDurability.PAGE_CACHE))
                .hasValueSatisfying(op -> {
                    assertThat(op.opType()).isEqualTo(AlterConfigOp.OpType.DELETE);
                    assertThat(op.configEntry().name()).isEqualTo(FLUSH);
                });
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, NEVER, ConfigSource.DEFAULT_CONFIG), BufferDurability.PAGE_CACHE))
                .isEmpty();
        assertThat(CommandTopic.flushChange(
                        config(FLUSH, "1", ConfigSource.STATIC_BROKER_CONFIG), BufferDurability.PAGE_CACHE))
                .as("the broker's own setting is the operator's")
                .isEmpty();
    }

    @Test
    void aMissingTopicIsCreatedWithOnePartitionKeptForeverAndFsyncedAfterEachAppend() {
        ArgumentCaptor<Collection<NewTopic>> created = captor();
        when(admin.createTopics(created.capture())).thenReturn(creation(null));

        CommandTopic.ensure(admin, BufferDurability.FSYNC);

        NewTopic topic = created.getValue().iterator().next();
        assertThat(topic.name()).isEqualTo(RelayTopics.COMMANDS);
        assertThat(topic.numPartitions()).isEqualTo(1);
        assertThat(topic.configs())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1",
                        FLUSH,
                        "1",
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(RelayLimits.MAX_RECORD_BYTES)));
        verify(admin, never()).incrementalAlterConfigs(anyMap());
    }

    @Test
    void aMissingTopicForThePageCacheHasNoFlushOfItsOwn() {
        ArgumentCaptor<Collection<NewTopic>> created = captor();
        when(admin.createTopics(created.capture())).thenReturn(creation(null));

        CommandTopic.ensure(admin, BufferDurability.PAGE_CACHE);

        assertThat(created.getValue().iterator().next().configs())
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1",
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(RelayLimits.MAX_RECORD_BYTES)));
    }

    @Test
    void anExistingTopicWithTheBrokersFlushDefaultIsAlteredToFsync() {
        existingTopic(1, config(FLUSH, NEVER, ConfigSource.DEFAULT_CONFIG));
        ArgumentCaptor<Map<ConfigResource, Collection<AlterConfigOp>>> altered = captor();
        AlterConfigsResult done = mock(AlterConfigsResult.class);
        when(done.all()).thenReturn(KafkaFuture.completedFuture(null));
        when(admin.incrementalAlterConfigs(altered.capture())).thenReturn(done);

        CommandTopic.ensure(admin, BufferDurability.FSYNC);

        assertThat(altered.getValue()).containsOnlyKeys(COMMANDS);
        assertThat(altered.getValue().get(COMMANDS)).singleElement().satisfies(op -> assertSet(op, "1"));
    }

    @Test
    void anExistingTopicThatAlreadyFitsIsLeftAlone() {
        existingTopic(1, config(FLUSH, "1", ConfigSource.DYNAMIC_TOPIC_CONFIG));

        CommandTopic.ensure(admin, BufferDurability.FSYNC);

        verify(admin, never()).incrementalAlterConfigs(anyMap());
    }

    @Test
    void anExistingTopicOfSeveralPartitionsStopsStartUp() {
        existingTopic(3, config(FLUSH, "1", ConfigSource.DYNAMIC_TOPIC_CONFIG));

        assertThatThrownBy(() -> CommandTopic.ensure(admin, BufferDurability.FSYNC))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("ops.commands has 3 partitions; the site's order needs exactly 1");
        verify(admin, never()).incrementalAlterConfigs(anyMap());
    }

    private void existingTopic(int partitions, Config config) {
        when(admin.createTopics(any()))
                .thenReturn(creation(new TopicExistsException("Topic 'ops.commands' already exists.")));
        Node broker = new Node(1, "localhost", 9092);
        List<TopicPartitionInfo> infos = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartitionInfo(p, broker, List.of(broker), List.of(broker)))
                .toList();
        TopicDescription description = new TopicDescription(RelayTopics.COMMANDS, false, infos);
        when(admin.describeTopics(anyCollection()))
                .thenReturn(
                        new DescribeTopicsResult(
                                null, Map.of(RelayTopics.COMMANDS, KafkaFuture.completedFuture(description))) {});
        when(admin.describeConfigs(anyCollection()))
                .thenReturn(new DescribeConfigsResult(Map.of(COMMANDS, KafkaFuture.completedFuture(config))) {});
    }

    private static CreateTopicsResult creation(Exception failure) {
        KafkaFutureImpl<CreateTopicsResult.TopicMetadataAndConfig> future = new KafkaFutureImpl<>();
        if (failure == null) {
            future.complete(null);
        } else {
            future.completeExceptionally(failure);
        }
        return new CreateTopicsResult(Map.of(RelayTopics.COMMANDS, future)) {};
    }

    /** A topic's configuration as a broker describes it: every entry with where its value comes from. */
    private static Config config(String name, String value, ConfigSource source) {
        List<ConfigEntry> entries = new ArrayList<>();
        entries.add(new ConfigEntry(
                TopicConfig.RETENTION_MS_CONFIG,
                "-1",
                ConfigSource.DYNAMIC_TOPIC_CONFIG,
                false,
                false,
                List.of(),
                ConfigEntry.ConfigType.LONG,
                null));
        entries.add(new ConfigEntry(name, value, source, false, false, List.of(), ConfigEntry.ConfigType.LONG, null));
        return new Config(entries);
    }

    private static void assertSet(AlterConfigOp op, String value) {
        assertThat(op.opType()).isEqualTo(AlterConfigOp.OpType.SET);
        assertThat(op.configEntry().name()).isEqualTo(FLUSH);
        assertThat(op.configEntry().value()).isEqualTo(value);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> ArgumentCaptor<T> captor() {
        return (ArgumentCaptor) ArgumentCaptor.forClass(Object.class);
    }
}
