package io.opsdb.relay.systemtest.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.Site;
import io.opsdb.relay.infra.StackComponent;
import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.infra.StackPorts;
import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.kafka.RelayTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The stack's plumbing, for real and without the applications: mirroring both ways, streaming replication, and
 * a broker that survives SIGKILL with its data. A fresh stack each run; ports are offset so a running
 * {@code bin/relay up} is not disturbed ({@code relay.it.port-offset} + 500, apart from the shared stack's).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static final int PORT_OFFSET = Integer.getInteger("relay.it.port-offset", 500) + 500;
    private static final Duration MIRROR_TIMEOUT = Duration.ofSeconds(60);

    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        Path relayHome = Path.of(System.getProperty(StackConfig.RELAY_HOME_PROPERTY));
        stack = LocalStack.startFresh(new StackConfig(
                relayHome,
                relayHome.resolve("system-tests/target/local-stack-it"),
                StackPorts.defaults().withOffset(PORT_OFFSET),
                false));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.stop();
        }
    }

    @Test
    @Order(1)
    void startsEveryInfrastructureComponentAsARunningProcess() throws Exception {
        assertThat(stack.components())
                .extracting(StackComponent::name)
                .containsExactly(
                        LocalStack.PRIMARY,
                        LocalStack.REPLICA,
                        LocalStack.KAFKA_COLOGNE,
                        LocalStack.KAFKA_OBSERVATORY,
                        LocalStack.MM2_COLOGNE,
                        LocalStack.MM2_OBSERVATORY);
        assertThat(stack.components()).allMatch(StackComponent::isRunning);
        assertThat(stack.observatoryBootstrapServers()).isEqualTo("127.0.0.1:" + (29092 + PORT_OFFSET));
        Path secret = stack.workDir().resolve("secrets/db-password");
        assertThat(Files.readString(secret)).isEqualTo(stack.dbPassword());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                .isEqualTo("rw-------");
    }

    @Test
    @Order(2)
    void mirrorsCommandsFromTheObservatoryToCologne() throws Exception {
        String command = "command-" + UUID.randomUUID();

        produce(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, List.of(command));

        assertThat(awaitValues(stack.mainBootstrapServers(), "observatory." + RelayTopics.COMMANDS, List.of(command)))
                .contains(command);
    }

    @Test
    @Order(3)
    void mirrorsOutcomesFromCologneToTheObservatory() throws Exception {
        String outcome = "outcome-" + UUID.randomUUID();

        produce(stack.mainBootstrapServers(), RelayTopics.outcomes(Site.OBSERVATORY.siteName()), List.of(outcome));

        assertThat(awaitValues(
                        stack.observatoryBootstrapServers(),
                        "cologne." + RelayTopics.outcomes(Site.OBSERVATORY.siteName()),
                        List.of(outcome)))
                .contains(outcome);
    }

    @Test
    @Order(4)
    void replicaIsAStreamingHotStandbyServingRowsWrittenOnThePrimary() throws Exception {
        String note = "row-" + UUID.randomUUID();
        try (Connection primary = connect(stack.primaryJdbcUrl());
                Statement statement = primary.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS stack_probe (note text PRIMARY KEY)");
            statement.execute("INSERT INTO stack_probe VALUES ('" + note + "')");
        }

        try (Connection replica = connect(stack.replicaJdbcUrl());
                Statement statement = replica.createStatement()) {
            Await.until(
                    () -> {
                        try (ResultSet rows = statement.executeQuery(
                                "SELECT count(*) FROM stack_probe WHERE note = '" + note + "'")) {
                            return rows.next() && rows.getInt(1) == 1;
                        }
                    },
                    Duration.ofSeconds(10),
                    "the replica served the row written on the primary");
            try (ResultSet recovery = statement.executeQuery("SELECT pg_is_in_recovery()")) {
                assertThat(recovery.next()).isTrue();
                assertThat(recovery.getBoolean(1)).isTrue();
            }
        }
        // Through its own physical slot: the primary keeps the WAL a stopped or lagging replica still needs.
        try (Connection primary = connect(stack.primaryJdbcUrl());
                Statement statement = primary.createStatement();
                ResultSet slot = statement.executeQuery("SELECT slot_name, slot_type, active FROM pg_replication_slots"
                        + " WHERE slot_type = 'physical'")) {
            assertThat(slot.next()).as("a physical replication slot").isTrue();
            assertThat(slot.getString(1)).isEqualTo("replica_slot");
            assertThat(slot.getBoolean(3)).as("in use by the replica").isTrue();
        }
    }

    @Test
    @Order(5)
    void killedBrokerRestartsWithItsTopicDataAndMirroringResumes() throws Exception {
        List<String> before = IntStream.range(0, 20)
                .mapToObj(i -> "before-kill-" + i + "-" + UUID.randomUUID())
                .toList();
        produce(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, before);

        stack.kill(LocalStack.KAFKA_OBSERVATORY);
        assertThat(stack.component(LocalStack.KAFKA_OBSERVATORY).isRunning()).isFalse();
        stack.component(LocalStack.KAFKA_OBSERVATORY).start();

        assertThat(awaitValues(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, before))
                .containsSubsequence(before);
        String after = "after-restart-" + UUID.randomUUID();
        produce(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, List.of(after));
        assertThat(awaitValues(stack.mainBootstrapServers(), "observatory." + RelayTopics.COMMANDS, List.of(after)))
                .containsSubsequence(before.get(before.size() - 1), after);
    }

    private static Connection connect(String jdbcUrl) throws Exception {
        return DriverManager.getConnection(jdbcUrl, stack.dbUser(), stack.dbPassword());
    }

    private static void produce(String bootstrapServers, String topic, List<String> values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value, value)).get();
            }
        }
    }

    /** Reads the topic's single partition from the start until every expected value was seen; returns all values read. */
    private static List<String> awaitValues(String bootstrapServers, String topic, List<String> expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        "false"),
                new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Await.until(
                    () -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            values.add(record.value());
                        }
                        return values.containsAll(expected);
                    },
                    MIRROR_TIMEOUT,
                    expected.size() + " records arrived in " + topic + " at " + bootstrapServers);
        }
        return values;
    }
}
