package io.opsdb.relay.secondary.internal.transaction;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.TopicCreation;
import io.opsdb.relay.secondary.internal.kafka.SecondaryKafkaClients;
import io.opsdb.relay.site.SiteConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * This site's dead letters: {@code relay.<site>.dead-letter} in its own cluster, where every record the secondary
 * cannot read (on its own {@code ops.commands}, or among the mirrored outcomes) is set aside as it was read, its
 * headers kept and four added, named after the main site's {@code relay_dead_letter} columns: {@code source-topic},
 * {@code source-partition}, {@code source-offset} and {@code error}, as text, so a console consumer or kcat listing
 * shows why and from where. Kept forever, like the commands: there is one only when something went wrong.
 *
 * <p>The state stores' processor writes to it in its own exactly-once transactions; with TRANSACTION_STATE_STORE off,
 * {@link #publish} does.
 */
@Component
class DeadLetterTopic implements SmartLifecycle {

    /** Header: the topic the record was read from. */
    public static final String HEADER_SOURCE_TOPIC = "source-topic";
    /** Header: its partition there. */
    public static final String HEADER_SOURCE_PARTITION = "source-partition";
    /** Header: its offset there. */
    public static final String HEADER_SOURCE_OFFSET = "source-offset";
    /** Header: why it could not be read. */
    public static final String HEADER_ERROR = "error";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterTopic.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SiteConfiguration settings;
    private final Map<String, Object> adminConfig;
    private final Map<String, Object> producerConfig;
    private final SecondaryKafkaClients clients;
    private KafkaProducer<String, byte[]> producer;
    private boolean created;
    private volatile boolean running;

    public DeadLetterTopic(KafkaProperties kafka, SecondaryKafkaClients clients, SiteConfiguration settings) {
        this.settings = settings;
        this.clients = clients;
        this.adminConfig = new HashMap<>(kafka.buildAdminProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "relay-" + settings.siteName() + "-dead-letter-topic");
        this.producerConfig = new HashMap<>(kafka.buildProducerProperties());
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, RelayLimits.MAX_RECORD_BYTES);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "relay-" + settings.siteName() + "-dead-letters");
    }

    /** The dead-letter topic of {@code site}. */
    public static String name(String site) {
        return "relay." + site + ".dead-letter";
    }

    /** The headers of {@code record}'s dead letter: its own, and where it came from and why it was set aside. */
    static Headers headers(UnreadableRecord record) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        return headers.add(HEADER_SOURCE_TOPIC, bytes(record.topic()))
                .add(HEADER_SOURCE_PARTITION, bytes(Integer.toString(record.partition())))
                .add(HEADER_SOURCE_OFFSET, bytes(Long.toString(record.offset())))
                .add(HEADER_ERROR, bytes(record.reason()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int getPhase() {
        // Before the transaction state stores (Integer.MIN_VALUE + 1000), whose topology writes to it.
        return Integer.MIN_VALUE + 600;
    }

    @Override
    public synchronized void start() {
        if (settings.transactionStateStore() || settings.buffersCriticalWrites()) {
            // The site needs its cluster at start-up anyway (the state stores, the buffer topic): a problem stops it
            // now. Otherwise the topic is made when the first dead letter comes.
            ensure();
        }
        running = true;
    }

    /** Creates the topic unless it exists. */
    private synchronized void ensure() {
        if (created) {
            return;
        }
        String topic = name(settings.siteName());
        NewTopic wanted = new NewTopic(topic, 1, (short) 1)
                .configs(Map.of(
                        TopicConfig.RETENTION_MS_CONFIG,
                        "-1",
                        // A dead letter is the record as it was read: as large as the largest the site's topics hold.
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(RelayLimits.MAX_RECORD_BYTES)));
        if (TopicCreation.createUnlessExists(adminConfig, wanted, TIMEOUT)) {
            LOG.info("Created {}", topic);
        }
        created = true;
    }

    /**
     * Sets {@code record} aside on the topic and waits for the broker's acknowledgement (with TRANSACTION_STATE_STORE
     * off; the processor forwards its own).
     *
     * @throws IllegalStateException when the broker does not acknowledge it in time
     */
    void publish(UnreadableRecord record) {
        ensure();
        ProducerRecord<String, byte[]> deadLetter = new ProducerRecord<>(
                name(settings.siteName()),
                null,
                record.timestamp().toEpochMilli(),
                record.key(),
                record.payload(),
                headers(record));
        try {
            producer().send(deadLetter).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot set aside " + record.topic() + "-" + record.partition() + "@" + record.offset() + " on "
                            + name(settings.siteName()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting aside " + record.topic(), e);
        }
    }

    private synchronized KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            producer = clients.producer(producerConfig, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public synchronized void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
