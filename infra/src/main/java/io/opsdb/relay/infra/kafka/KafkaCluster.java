package io.opsdb.relay.infra.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** One of the stack's Kafka clusters as a client sees it: a single broker on 127.0.0.1. */
public record KafkaCluster(String alias, int port) {

    private static final int REQUEST_TIMEOUT_MS = 5_000;

    /** How far above {@link #port()} the WAN listener is (the KRaft controller has the port between). */
    public static final int WAN_PORT_STEP = 2;

    /** The local (PLAINTEXT) listener: clients within the site. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The WAN listener's port: SASL_SSL with SCRAM-SHA-512, for clients at another site. */
    public int wanPort() {
        return port + WAN_PORT_STEP;
    }

    /** The WAN listener, for clients at another site (MirrorMaker 2). */
    public String wanBootstrapServers() {
        return "127.0.0.1:" + wanPort();
    }

    /** An admin client that gives up quickly, so that the caller's own timeout decides. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "localstack-" + alias,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                REQUEST_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                REQUEST_TIMEOUT_MS));
    }

    /**
     * A consumer of byte arrays that gives up quickly, as {@link #admin()} does; it commits nothing and creates no
     * topic, for reading a topic by assignment.
     */
    public KafkaConsumer<byte[], byte[]> consumer(String clientId) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        clientId,
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        REQUEST_TIMEOUT_MS,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        REQUEST_TIMEOUT_MS,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /**
     * Whether the broker serves requests: it listens and reports itself in the cluster metadata. Checks the
     * socket first so that an admin client does not log connection failures while the broker boots.
     */
    public boolean isAvailable() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        } catch (IOException e) {
            return false;
        }
        try (Admin admin = admin()) {
            return !admin.describeCluster()
                    .nodes()
                    .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .isEmpty();
        }
    }

    public boolean topicExists(String topic) throws Exception {
        try (Admin admin = admin()) {
            return admin.listTopics()
                    .names()
                    .get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .contains(topic);
        }
    }

    /** Creates the topics that do not exist yet; an existing topic is left as it is. */
    public void createTopics(List<NewTopic> topics) throws Exception {
        try (Admin admin = admin()) {
            for (var result : admin.createTopics(topics).values().values()) {
                try {
                    result.get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
