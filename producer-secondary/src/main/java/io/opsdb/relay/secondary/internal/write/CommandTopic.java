package io.opsdb.relay.secondary.internal.write;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.site.BufferDurability;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Makes this site's {@code ops.commands} what the buffer needs before anything is buffered or read from it: one
 * partition (the site's order), kept forever ({@code retention.ms=-1}: it must outlast any WAN outage), and
 * flushed as BUFFER_DURABILITY says. With {@code fsync} the topic carries {@code flush.messages=1}, so the broker
 * fsyncs the partition after each append, before it answers the produce; with {@code page-cache} it carries no
 * flush override and the broker's own flush policy applies (Kafka's default: the OS writes back when it likes).
 *
 * <p>A missing topic is created that way. An existing one gets its flush setting brought in line (logged), its
 * partition count checked; its retention is the operator's and is left alone.
 */
@Component
class CommandTopic implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTopic.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final String FLUSH_MESSAGES = TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG;
    /** {@code flush.messages} of a topic whose every append is fsynced before the broker answers. */
    static final String EVERY_MESSAGE = "1";

    private final SiteConfiguration settings;
    private final Map<String, Object> adminConfig;
    private volatile boolean running;

    CommandTopic(KafkaProperties kafka, SiteConfiguration settings) {
        this.settings = settings;
        this.adminConfig = new HashMap<>(kafka.buildAdminProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "relay-" + settings.siteName() + "-command-topic");
    }

    @Override
    public int getPhase() {
        // Before the transaction state stores (Integer.MIN_VALUE + 1000), whose topology reads this topic, and long
        // before the web server, whose requests write to it.
        return Integer.MIN_VALUE + 500;
    }

    @Override
    public synchronized void start() {
        if (settings.buffersCriticalWrites()) {
            try (Admin admin = Admin.create(adminConfig)) {
                ensure(admin, settings.bufferDurability());
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Creates {@code ops.commands} for {@code durability}, or brings an existing topic's flush setting in line.
     *
     * @throws IllegalStateException when the cluster does not answer in time or the topic cannot serve as the
     *                               buffer: start-up stops
     */
    static void ensure(Admin admin, BufferDurability durability) {
        String topic = RelayTopics.COMMANDS;
        try {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
            // Whatever the broker's default, the largest transaction fits (and MirrorMaker 2 copies this to the
            // mirror).
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(RelayLimits.MAX_RECORD_BYTES));
            if (durability == BufferDurability.FSYNC) {
                configs.put(FLUSH_MESSAGES, EVERY_MESSAGE);
            }
            // One partition: the site's transactions are applied in the order they were acknowledged. The
            // replication factor is the cluster's default: 1 on a single-broker site.
            NewTopic wanted = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs);
            try {
                admin.createTopics(List.of(wanted)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created {} with {} (BUFFER_DURABILITY={})", topic, configs, durability.value());
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            if (description.partitions().size() != 1) {
                throw new IllegalStateException(topic + " has "
                        + description.partitions().size() + " partitions; the site's order needs exactly 1");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config current = admin.describeConfigs(List.of(resource))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
            Optional<AlterConfigOp> change = flushChange(current, durability);
            if (change.isPresent()) {
                admin.incrementalAlterConfigs(Map.of(resource, List.of(change.get())))
                        .all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info(
                        "{}: {} (BUFFER_DURABILITY={})",
                        topic,
                        describe(change.get(), current.get(FLUSH_MESSAGES)),
                        durability.value());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot make " + topic + " the site's buffer: "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "cannot make " + topic + " the site's buffer: the local cluster did not answer within "
                            + ADMIN_TIMEOUT.toSeconds() + " s",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making " + topic + " the site's buffer", e);
        }
    }

    /**
     * The change {@code flush.messages} needs on a topic configured as {@code current} (as the broker describes it,
     * defaults included) for {@code durability}; empty when it already fits. {@code fsync} needs the topic's own
     * {@code flush.messages=1}, whatever the broker's default; {@code page-cache} needs no topic-level value, so that
     * the broker's default applies.
     */
    static Optional<AlterConfigOp> flushChange(Config current, BufferDurability durability) {
        ConfigEntry flush = current.get(FLUSH_MESSAGES);
        boolean topicLevel = flush != null && flush.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG;
        return switch (durability) {
            case FSYNC ->
                topicLevel && EVERY_MESSAGE.equals(flush.value())
                        ? Optional.empty()
                        : Optional.of(new AlterConfigOp(
                                new ConfigEntry(FLUSH_MESSAGES, EVERY_MESSAGE), AlterConfigOp.OpType.SET));
            case PAGE_CACHE ->
                topicLevel
                        ? Optional.of(
                                new AlterConfigOp(new ConfigEntry(FLUSH_MESSAGES, ""), AlterConfigOp.OpType.DELETE))
                        : Optional.empty();
        };
    }

    private static String describe(AlterConfigOp change, ConfigEntry before) {
        String was = before == null
                ? "unset"
                : before.value()
                        + (before.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG
                                ? ""
                                : " from " + before.source());
        return change.opType() == AlterConfigOp.OpType.DELETE
                ? "removed " + FLUSH_MESSAGES + "=" + was + ", the broker's default applies"
                : "set " + FLUSH_MESSAGES + "=" + change.configEntry().value() + " (was " + was + ")";
    }
}
