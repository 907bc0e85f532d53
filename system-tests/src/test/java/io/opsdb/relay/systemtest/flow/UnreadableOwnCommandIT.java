package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.Ledger;
import io.opsdb.relay.testsupport.Prometheus;
import io.opsdb.relay.testsupport.RawRecords;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record on the observatory's own {@code ops.commands} that it cannot read is not skipped: it is set aside on the
 * observatory's dead-letter topic and counted, and the transaction its headers name is FAILED with the reason (its
 * status is not a 404), as Cologne records it when the same bytes reach it. There is nothing to retry, only to discard.
 * Skipped when the stack runs with {@code -Drelay.transaction-state-store=false}: the heap tracker does not read
 * {@code ops.commands} at all.
 */
@ExtendWith(TwoSiteStack.class)
@DisabledIfSystemProperty(
        named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
        matches = "false",
        disabledReason = "the heap tracker does not read ops.commands")
class UnreadableOwnCommandIT {

    private static final String DEAD_LETTERS = "relay.observatory.dead-letter";
    private static final String METRIC = "relay_commands_unreadable_total";
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @Test
    void anUnreadableCommandNamingATransactionIsFailedSetAsideAndCountedAtItsSite() throws Exception {
        String labels = "fate=\"transaction_failed\",origin_site=\"observatory\"";
        double before = Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, labels);
        String transactionId = UUID.randomUUID().toString();
        byte[] garbage = ("not a command " + transactionId).getBytes(StandardCharsets.UTF_8);

        RawRecords.produce(
                stack.observatoryBootstrapServers(),
                RelayTopics.COMMANDS,
                transactionId,
                garbage,
                Map.of(
                        RelayTopics.HEADER_TRANSACTION_ID,
                        transactionId,
                        RelayTopics.HEADER_SITE,
                        "observatory",
                        RelayTopics.HEADER_OPERATION,
                        "CREATE EXECUTED_OBS_UNIT"));

        Conditions.waitFor(
                () -> observatory.get("/api/transactions/" + transactionId).status() == 200,
                SETTLE,
                "the transaction named by the unreadable command is unknown at the observatory");
        SiteHttp.Answer failed = observatory.get("/api/transactions/" + transactionId);
        assertThat(failed.text("state")).as(failed.body()).isEqualTo("FAILED");
        assertThat(failed.text("error")).startsWith("unreadable command: ");
        assertThat(failed.text("attempt")).isEqualTo("1");
        Conditions.waitFor(
                () -> Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, labels) == before + 1,
                SETTLE,
                METRIC + "{" + labels + "} at the observatory did not count it");
        ConsumerRecord<String, byte[]> deadLetter = RawRecords.find(
                stack.observatoryBootstrapServers(),
                DEAD_LETTERS,
                record -> Arrays.equals(record.value(), garbage),
                SETTLE);
        assertThat(RawRecords.header(deadLetter, RelayTopics.HEADER_TRANSACTION_ID))
                .isEqualTo(transactionId);
        assertThat(RawRecords.header(deadLetter, "source-topic")).isEqualTo(RelayTopics.COMMANDS);
        assertThat(RawRecords.header(deadLetter, "error")).isEqualTo(failed.text("error"));

        // The same bytes reach Cologne, which fails the transaction too; the observatory keeps what it said.
        Conditions.waitFor(
                () -> Ledger.row(transactionId) != null, SETTLE, "Cologne did not record the unreadable command");
        assertThat(Ledger.row(transactionId)).startsWith("FAILED/1: unreadable command: ");
        assertThat(observatory.get("/api/transactions/" + transactionId).text("error"))
                .isEqualTo(failed.text("error"));

        SiteHttp.Answer retried = observatory.post("/api/transactions/" + transactionId + "/retry", map());
        assertThat(retried.status()).as(retried.body()).isEqualTo(409);
        assertThat(retried.body()).contains("nothing to apply again");
        SiteHttp.Answer discarded = observatory.post("/api/transactions/" + transactionId + "/discard", map());
        assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
        assertThat(discarded.text("state")).isEqualTo("DISCARDED");
    }

    @Test
    void anUnreadableCommandNamingNoTransactionIsSetAsideAndCountedAndTheBufferMovesOn() throws Exception {
        String labels = "fate=\"unattributed\",origin_site=\"observatory\"";
        double before = Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, labels);
        byte[] garbage = ("nothing to go by " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

        RawRecords.produce(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, null, garbage, Map.of());

        Conditions.waitFor(
                () -> Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, labels) == before + 1,
                SETTLE,
                METRIC + "{" + labels + "} at the observatory did not count it");
        ConsumerRecord<String, byte[]> deadLetter = RawRecords.find(
                stack.observatoryBootstrapServers(),
                DEAD_LETTERS,
                record -> Arrays.equals(record.value(), garbage),
                SETTLE);
        assertThat(RawRecords.header(deadLetter, "source-topic")).isEqualTo(RelayTopics.COMMANDS);
        assertThat(RawRecords.header(deadLetter, "error")).startsWith("unreadable command: ");
        SiteHttp.Answer after =
                observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://after-garbage"));
        assertThat(after.status()).as(after.body()).isEqualTo(201);
        assertThat(observatory.whenSettled(after.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
    }
}
