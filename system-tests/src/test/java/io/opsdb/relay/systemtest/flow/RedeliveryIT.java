package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.MessageCodec;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.Site;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** I2: a command delivered twice is applied once, even when a later command came between the two. */
@ExtendWith(TwoSiteStack.class)
class RedeliveryIT {

    private final MessageCodec<WriteCommand> commands = RelayCodecs.writeCommands();

    @Test
    void aRedeliveredCommandIsAppliedOnceEvenAfterALaterCommand() throws Exception {
        ObservatoryClient client = new ObservatoryClient(
                TwoSiteStack.stack().observatoryApi(),
                TwoSiteStack.stack().serviceToken(),
                Executors.newFixedThreadPool(2));
        ObservatoryClient.Accepted unit = client.startObsUnit("redelivery", "camera");
        assertThat(client.whenVisible(unit.transactionId(), Duration.ofSeconds(90))
                        .get()
                        .state())
                .isEqualTo("VISIBLE");

        WriteCommand first = update(unit.recordId(), "notes", "first");
        WriteCommand second = update(unit.recordId(), "notes", "second");
        WriteCommand marker = update(unit.recordId(), "instrument", "marker");
        // As MirrorMaker 2 or a producer retry would redeliver it: the same bytes again, after a later command.
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (WriteCommand command : List.of(first, second, first, marker)) {
                producer.send(new ProducerRecord<>(
                                RelayTopics.COMMANDS, command.getTransactionId(), commands.encode(command)))
                        .get();
            }
        }
        // One partition, in order: once the marker is in the ledger, everything before it was processed.
        Conditions.waitFor(
                () -> ledgerCount(marker.getTransactionId()) == 1,
                Duration.ofSeconds(90),
                "marker command was not applied at main");

        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement row = primary.prepareStatement(
                        "SELECT notes, instrument FROM executed_obs_unit WHERE id = CAST(? AS uuid)")) {
            row.setString(1, unit.recordId());
            try (ResultSet unitRow = row.executeQuery()) {
                assertThat(unitRow.next()).isTrue();
                assertThat(unitRow.getString(1))
                        .as("applying the first command again would have put 'first' back")
                        .isEqualTo("second");
                assertThat(unitRow.getString(2)).isEqualTo("marker");
            }
        }
        assertThat(ledgerCount(first.getTransactionId())).isEqualTo(1);
        assertThat(ledgerStatus(first.getTransactionId())).isEqualTo("APPLIED");
        assertThat(outcomesFor(first.getTransactionId(), marker.getTransactionId()))
                .as("outcomes published for the redelivered command")
                .hasSize(1)
                .allSatisfy(o -> assertThat(o.getCommitLsn()).isPositive());
    }

    private static WriteCommand update(String recordId, String column, String value) {
        return WriteCommand.newBuilder()
                .setTransactionId(UUID.randomUUID().toString())
                .setSite("observatory")
                .setAcceptedAt(Instant.now())
                .setOperations(List.of(Operation.newBuilder()
                        .setType(OperationType.UPDATE)
                        .setEntity(EntityType.EXECUTED_OBS_UNIT)
                        .setRecordId(recordId)
                        .setValues(Map.of(column, value))
                        .build()))
                .build();
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TwoSiteStack.stack().observatoryBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    private static long ledgerCount(String transactionId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement count = primary.prepareStatement(
                        "SELECT count(*) FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)")) {
            count.setString(1, transactionId);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    private static String ledgerStatus(String transactionId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement status = primary.prepareStatement(
                        "SELECT status FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)")) {
            status.setString(1, transactionId);
            try (ResultSet row = status.executeQuery()) {
                return row.next() ? row.getString(1) : null;
            }
        }
    }

    /** The outcomes published at main for {@code transactionId}, read up to the outcome of {@code until}. */
    private static List<TransactionOutcome> outcomesFor(String transactionId, String until) throws Exception {
        MessageCodec<TransactionOutcome> codec = RelayCodecs.transactionOutcomes();
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TwoSiteStack.stack().mainBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TransactionOutcome> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(RelayTopics.outcomes(Site.OBSERVATORY.siteName())));
            boolean[] seenUntil = {false};
            Conditions.waitFor(
                    () -> {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                            String id = new String(
                                    record.headers()
                                            .lastHeader(RelayTopics.HEADER_TRANSACTION_ID)
                                            .value(),
                                    StandardCharsets.UTF_8);
                            if (id.equals(transactionId)) {
                                found.add(codec.decode(record.value()));
                            }
                            seenUntil[0] |= id.equals(until);
                        }
                        return seenUntil[0];
                    },
                    Duration.ofSeconds(60),
                    "outcome of " + until + " was not published");
        }
        return found;
    }
}
