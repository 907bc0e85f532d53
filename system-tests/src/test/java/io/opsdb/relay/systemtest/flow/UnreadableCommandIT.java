package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.Prometheus.scrape;
import static io.opsdb.relay.testsupport.Prometheus.sum;
import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.Ledger;
import io.opsdb.relay.testsupport.RawRecords;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record on a mirrored commands topic that the main site cannot read (damaged on the way, or written by a version
 * it does not know): when its headers name the transaction, the site that wrote it learns that it FAILED and why,
 * and can retry it; when they do not, it is kept as a dead letter and counted.
 */
@ExtendWith(TwoSiteStack.class)
class UnreadableCommandIT {

    private static final String MIRRORED_COMMANDS = "observatory." + RelayTopics.COMMANDS;
    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @Test
    void anUnreadableCommandIsFailedWithItsReasonAtItsSiteWhichCanRetryIt() throws Exception {
        byte[] garbage = ("not a command " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String transactionId;
        String unit;
        // The command's own copy is held back (no mirroring to Cologne), so the damaged copy reaches the applier first.
        stack.stop(LocalStack.MM2_COLOGNE);
        try {
            SiteHttp.Answer started =
                    observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://unreadable"));
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            transactionId = started.text("transaction_id");
            unit = started.text("id");
            produceToCologne(garbage, transactionId);

            Conditions.waitFor(
                    () -> "FAILED"
                            .equals(observatory
                                    .get("/api/transactions/" + transactionId)
                                    .text("state")),
                    SETTLE,
                    "the observatory was not told that its unreadable transaction FAILED");
            SiteHttp.Answer failed = observatory.get("/api/transactions/" + transactionId);
            assertThat(failed.text("error")).as(failed.body()).startsWith("unreadable command: ");
            assertThat(Ledger.row(transactionId)).isEqualTo("FAILED/1: " + failed.text("error"));
            assertThat(deadLetter(transactionId))
                    .as("the dead letter keeps the bytes as read")
                    .isEqualTo(garbage);
        } finally {
            if (!stack.component(LocalStack.MM2_COLOGNE).isRunning()) {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
        }

        // The intact copy arrives now: the transaction is FAILED at attempt 1 already, so it is not applied behind its
        // site's back.
        SiteHttp.Answer later =
                observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://after-unreadable"));
        assertThat(observatory.whenSettled(later.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        assertThat(Ledger.row(transactionId)).startsWith("FAILED/1: unreadable command: ");
        assertThat(observatory.get("/api/transactions/" + transactionId).text("state"))
                .isEqualTo("FAILED");

        SiteHttp.Answer retried = observatory.post("/api/transactions/" + transactionId + "/retry", map());
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(observatory.whenSettled(transactionId).text("state")).isEqualTo("VISIBLE");
        assertThat(Ledger.row(transactionId)).isEqualTo("APPLIED/2: null");
        assertThat(observatory.get("/executed_obs_units/" + unit).text("obs_unit_id"))
                .isEqualTo("uid://unreadable");
    }

    @Test
    void anUnreadableRecordNamingNoTransactionIsKeptAndCounted() throws Exception {
        String metric = "relay_commands_unreadable_total";
        String labels = "fate=\"unattributed\",origin_site=\"observatory\"";
        double before = sum(scrape(stack.mainApi()), metric, labels);
        byte[] garbage = ("nothing to go by " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

        produceToCologne(garbage, null);

        Conditions.waitFor(
                () -> sum(scrape(stack.mainApi()), metric, labels) == before + 1,
                SETTLE,
                metric + "{" + labels + "} at the main site did not count the record");
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select = primary.prepareStatement(
                        "SELECT transaction_id, source_topic, error FROM relay_dead_letter WHERE payload = ?")) {
            select.setBytes(1, garbage);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next())
                        .as("a dead letter with the record's bytes")
                        .isTrue();
                assertThat(row.getString(1)).isNull();
                assertThat(row.getString(2)).isEqualTo(MIRRORED_COMMANDS);
                assertThat(row.getString(3)).startsWith("unreadable command: ");
                assertThat(row.next()).as("one dead letter").isFalse();
            }
        }
    }

    /**
     * As MirrorMaker 2 would deliver it to Cologne, with the headers the observatory sets on every command (none when
     * {@code transactionId} is null).
     */
    private void produceToCologne(byte[] value, String transactionId) throws Exception {
        RawRecords.produce(
                stack.mainBootstrapServers(),
                MIRRORED_COMMANDS,
                transactionId,
                value,
                transactionId == null
                        ? Map.of()
                        : Map.of(
                                RelayTopics.HEADER_TRANSACTION_ID,
                                transactionId,
                                RelayTopics.HEADER_SITE,
                                "observatory",
                                RelayTopics.HEADER_OPERATION,
                                "CREATE EXECUTED_OBS_UNIT"));
    }

    private static byte[] deadLetter(String transactionId) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select = primary.prepareStatement(
                        "SELECT payload FROM relay_dead_letter WHERE transaction_id = CAST(? AS uuid)")) {
            select.setString(1, transactionId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? row.getBytes(1) : null;
            }
        }
    }
}
