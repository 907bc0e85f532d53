package io.opsdb.relay.main.internal.apply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.config.KafkaListenerEndpoint;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.converter.MessageConverter;

/**
 * The main site's Kafka cluster as {@link SiteAppliers} use it: its topics and each site's waiting commands, read
 * with an {@link Admin} client; and each site's applier, a listener container registered with the application's
 * {@link KafkaListenerEndpointRegistry} (so health and shutdown treat it as any listener) with its own consumer group
 * and its own error handler around the site's back-off.
 */
final class SiteApplierContainers implements SiteAppliers.Cluster, SiteAppliers.Launcher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteApplierContainers.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final KafkaListenerEndpointRegistry registry;
    private final ConcurrentKafkaListenerContainerFactory<String, byte[]> factory;
    private final MirroredCommandListener listener;

    SiteApplierContainers(
            Admin admin,
            KafkaListenerEndpointRegistry registry,
            ConcurrentKafkaListenerContainerFactory<String, byte[]> factory,
            MirroredCommandListener listener) {
        this.admin = admin;
        this.registry = registry;
        this.factory = factory;
        this.listener = listener;
    }

    @Override
    public Set<String> topics() throws Exception {
        return admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Map<String, Long> waiting(List<SiteAppliers.OriginSite> sites) throws Exception {
        if (sites.isEmpty()) {
            return Map.of();
        }
        Map<String, TopicDescription> topics = admin.describeTopics(
                        sites.stream().map(site -> site.topic().topic()).toList())
                .allTopicNames()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        List<TopicPartition> partitions = new ArrayList<>();
        topics.values()
                .forEach(topic -> topic.partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic.name(), p.partition()))));
        Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
        Map<String, Long> waiting = new HashMap<>();
        for (SiteAppliers.OriginSite site : sites) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    site.backOff() == null ? Map.of() : committed(site.groupId());
            long count = 0;
            for (TopicPartition partition : partitions) {
                if (partition.topic().equals(site.topic().topic())) {
                    OffsetAndMetadata position = committed.get(partition);
                    long from = position == null ? starts.getOrDefault(partition, 0L) : position.offset();
                    count += Math.max(0, ends.getOrDefault(partition, 0L) - from);
                }
            }
            waiting.put(site.topic().topic(), count);
        }
        return waiting;
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(request)
                .all()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    private Map<TopicPartition, OffsetAndMetadata> committed(String groupId) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata()
                .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .forEach((partition, offset) -> {
                    if (offset != null) {
                        committed.put(partition, offset);
                    }
                });
        return committed;
    }

    @Override
    public void launch(SiteAppliers.OriginSite site) throws Exception {
        if (registry.getListenerContainer(site.containerId()) == null) {
            adoptSharedGroupOffsets(site);
            registry.registerListenerContainer(endpoint(site), factory, true);
        }
        MessageListenerContainer container = registry.getListenerContainer(site.containerId());
        if (!container.isRunning()) {
            container.start();
        }
    }

    /**
     * A site's group starts where the one applier of every site had got to, so a main site that ran before there was
     * an applier per site does not read its sites' topics from their beginning again (the ledger would skip them as
     * duplicates, but reading a long topic again takes a while).
     */
    private void adoptSharedGroupOffsets(SiteAppliers.OriginSite site) throws Exception {
        boolean hasOwn = committed(site.groupId()).keySet().stream()
                .anyMatch(partition -> partition.topic().equals(site.topic().topic()));
        if (hasOwn) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> shared = new HashMap<>();
        committed(MirroredCommandListener.GROUP).forEach((partition, offset) -> {
            if (partition.topic().equals(site.topic().topic())) {
                shared.put(partition, offset);
            }
        });
        if (!shared.isEmpty()) {
            admin.alterConsumerGroupOffsets(site.groupId(), shared)
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Site {}'s applier starts where the shared applier group left off: {}", site.name(), shared);
        }
    }

    @Override
    public boolean isRunning(SiteAppliers.OriginSite site) {
        MessageListenerContainer container = registry.getListenerContainer(site.containerId());
        return container != null && container.isRunning();
    }

    @Override
    public void close() {
        admin.close(ADMIN_TIMEOUT);
    }

    /** The listener endpoint of {@code site}'s applier: its topic alone, its own group and its own error handler. */
    KafkaListenerEndpoint endpoint(SiteAppliers.OriginSite site) {
        return new SiteCommandsEndpoint(site, errorHandler(site.backOff()), listener);
    }

    /**
     * Transient failures retry the same batch: TRANSACTION_RETRY_ATTEMPTS times with exponential back-off, then a
     * pause, then again, with no end: a command is never skipped for a database outage. Permanent failures never
     * reach here (they become FAILED ledger rows with their dead letters). One per site, around that site's back-off,
     * so a site's retries and pauses are its own.
     */
    static DefaultErrorHandler errorHandler(PausingBackOff backOff) {
        DefaultErrorHandler errorHandler = new DefaultErrorHandler(
                (record, e) -> {
                    throw new IllegalStateException(
                            "the applier never skips a command; " + record.topic() + "-" + record.partition() + "@"
                                    + record.offset() + " would have been",
                            e);
                },
                backOff);
        // Every exception is retried: none of the default "fatal" ones may skip a batch either.
        errorHandler.setClassifications(Map.of(), true);
        errorHandler.setRetryListeners(backOff);
        return errorHandler;
    }

    /** A site's applier as a listener endpoint, what {@code @KafkaListener} would describe if sites were known upfront. */
    private record SiteCommandsEndpoint(
            SiteAppliers.OriginSite site, DefaultErrorHandler errorHandler, MirroredCommandListener listener)
            implements KafkaListenerEndpoint {

        @Override
        public String getId() {
            return site.containerId();
        }

        @Override
        public String getGroupId() {
            return site.groupId();
        }

        @Override
        public String getGroup() {
            return null;
        }

        @Override
        public Collection<String> getTopics() {
            return List.of(site.topic().topic());
        }

        @Override
        public TopicPartitionOffset[] getTopicPartitionsToAssign() {
            return new TopicPartitionOffset[0];
        }

        @Override
        public Pattern getTopicPattern() {
            return null;
        }

        @Override
        public String getClientIdPrefix() {
            return site.containerId();
        }

        @Override
        public Integer getConcurrency() {
            // One consumer: the site's topic has one partition and its order is the contract.
            return 1;
        }

        @Override
        public Boolean getAutoStartup() {
            return null;
        }

        @Override
        public Boolean getBatchListener() {
            return Boolean.TRUE;
        }

        @Override
        public void setupListenerContainer(MessageListenerContainer container, MessageConverter messageConverter) {
            container.setupMessageListener((BatchMessageListener<String, byte[]>)
                    (List<ConsumerRecord<String, byte[]>> records) -> listener.onCommands(records));
        }

        @Override
        public boolean isSplitIterables() {
            return false;
        }

        @Override
        public ContainerPostProcessor<?, ?, ?> getContainerPostProcessor() {
            return (ContainerPostProcessor<String, byte[], AbstractMessageListenerContainer<String, byte[]>>)
                    container -> container.setCommonErrorHandler(errorHandler);
        }
    }
}
