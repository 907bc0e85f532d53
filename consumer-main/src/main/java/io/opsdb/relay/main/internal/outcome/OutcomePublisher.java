package io.opsdb.relay.main.internal.outcome;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.kafka.CodecSerializer;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.kafka.TopicCreation;
import io.opsdb.relay.main.internal.kafka.MainKafkaClients;
import io.opsdb.relay.schema.TransactionOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces each outcome to its site's topic on the main site's cluster, {@code ops.outcomes.<site>}
 * ({@link RelayTopics#outcomes}), idempotently and with acks=all: each site's MirrorMaker 2 flow mirrors only its own.
 *
 * <p>A site's topic is created here the first time one of its outcomes comes, unless it exists (the launcher and the
 * compose file create it with the site): brokers do not create topics on their own, and a send to a missing topic
 * would wait for it and then stop the whole outcome stream, every site's, for one site's missing topic.
 */
final class OutcomePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomePublisher.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** What Kafka allows in a topic name, and at most how long it may be. */
    private static final Pattern LEGAL_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private final KafkaProducer<String, TransactionOutcome> producer;
    private final Map<String, Object> adminConfig;
    private final Set<String> existing = ConcurrentHashMap.newKeySet();

    OutcomePublisher(MainKafkaClients clients, Map<String, Object> producerConfig, Map<String, Object> adminConfig) {
        Map<String, Object> config = new HashMap<>(producerConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-outcomes");
        this.producer = clients.producer(
                config, new StringSerializer(), new CodecSerializer<>(RelayCodecs.transactionOutcomes()));
        this.adminConfig = Map.copyOf(adminConfig);
    }

    /**
     * The topic {@code site}'s outcomes go to: {@code ops.outcomes.<site>}; the single {@code ops.outcomes} of before
     * for a site whose name cannot be part of a topic's (never one whose commands came through a mirrored
     * {@code <site>.ops.commands}, which is as long and made of the same characters).
     */
    static String topic(String site) {
        if (site == null || site.isEmpty()) {
            return RelayTopics.OUTCOMES;
        }
        String topic = RelayTopics.outcomes(site);
        return LEGAL_TOPIC.matcher(topic).matches() ? topic : RelayTopics.OUTCOMES;
    }

    /**
     * Sends {@code outcome} to its site's topic, creating that first if needed.
     *
     * @throws IllegalStateException if the topic cannot be created (transient: the caller confirms nothing and
     *                               starts again from its last confirmed position)
     */
    Future<RecordMetadata> publish(TransactionOutcome outcome) {
        String topic = topic(outcome.getSite());
        if (topic.equals(RelayTopics.OUTCOMES)) {
            LOG.error(
                    "Outcome of transaction {} names site '{}', which cannot name a topic; published to {}",
                    outcome.getTransactionId(),
                    outcome.getSite(),
                    topic);
        }
        ensure(topic);
        ProducerRecord<String, TransactionOutcome> record =
                new ProducerRecord<>(topic, outcome.getTransactionId(), outcome);
        record.headers()
                .add(
                        RelayTopics.HEADER_TRANSACTION_ID,
                        outcome.getTransactionId().getBytes(StandardCharsets.UTF_8))
                .add(RelayTopics.HEADER_SITE, outcome.getSite().getBytes(StandardCharsets.UTF_8))
                .add(RelayTopics.HEADER_OPERATION, outcome.getStatus().name().getBytes(StandardCharsets.UTF_8));
        return producer.send(record);
    }

    /** Creates {@code topic} unless this publisher knows it exists; kept forever, as each site keeps its commands. */
    private void ensure(String topic) {
        if (existing.contains(topic)) {
            return;
        }
        // A single partition: a site's outcomes are read in the order they were committed. The cluster's default
        // replication factor.
        NewTopic wanted = new NewTopic(topic, Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        if (TopicCreation.createUnlessExists(adminConfig, wanted, TIMEOUT)) {
            LOG.info("Created {}", topic);
        }
        existing.add(topic);
    }

    @Override
    public void close() {
        producer.close();
    }
}
