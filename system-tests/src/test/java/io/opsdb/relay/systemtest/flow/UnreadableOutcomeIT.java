package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.Site;
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
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An outcome the observatory cannot read (damaged on the way, or written by a version it does not know) is not
 * skipped: it is set aside on the observatory's dead-letter topic, counted, and the transaction its headers name,
 * waiting for that outcome, is FAILED with the reason. A retry settles it: the main site applied it once and skips the
 * second attempt, and the replica's ledger says so.
 */
@ExtendWith(TwoSiteStack.class)
class UnreadableOutcomeIT {

    private static final String MIRRORED_OUTCOMES = "cologne." + RelayTopics.outcomes(Site.OBSERVATORY.siteName());
    private static final String DEAD_LETTERS = "relay.observatory.dead-letter";
    private static final String METRIC = "relay_outcomes_unreadable_total";
    private static final String FAILED_HERE = "fate=\"transaction_failed\",origin_site=\"observatory\"";
    private static final Duration SETTLE = Duration.ofSeconds(90);
    /** LedgerReconciler looks at transactions BUFFERED for over 30 s, every 10 s. */
    private static final Duration RECONCILED = Duration.ofMinutes(2);

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @Test
    void anUnreadableOutcomeFailsItsTransactionWithTheReasonIsSetAsideAndCountedAndARetrySettlesIt() throws Exception {
        double before = Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, FAILED_HERE);
        byte[] garbage = ("not an outcome " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String transactionId;
        String unit;
        // The command is held back (no mirroring to Cologne), so no real outcome can come first.
        stack.stop(LocalStack.MM2_COLOGNE);
        try {
            SiteHttp.Answer started =
                    observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://unreadable-outcome"));
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            transactionId = started.text("transaction_id");
            unit = started.text("id");
            assertThat(observatory.get("/api/transactions/" + transactionId).text("state"))
                    .isEqualTo("BUFFERED");

            // As MirrorMaker 2 would deliver an outcome from Cologne, with the headers Cologne sets on every outcome.
            RawRecords.produce(
                    stack.observatoryBootstrapServers(),
                    MIRRORED_OUTCOMES,
                    transactionId,
                    garbage,
                    Map.of(
                            RelayTopics.HEADER_TRANSACTION_ID,
                            transactionId,
                            RelayTopics.HEADER_SITE,
                            "observatory",
                            RelayTopics.HEADER_OPERATION,
                            "APPLIED"));

            Conditions.waitFor(
                    () -> "FAILED"
                            .equals(observatory
                                    .get("/api/transactions/" + transactionId)
                                    .text("state")),
                    SETTLE,
                    "the transaction named by the unreadable outcome did not become FAILED");
            SiteHttp.Answer failed = observatory.get("/api/transactions/" + transactionId);
            assertThat(failed.text("error")).as(failed.body()).startsWith("unreadable outcome: ");
            Conditions.waitFor(
                    () -> Prometheus.sum(Prometheus.scrape(stack.observatoryApi()), METRIC, FAILED_HERE) == before + 1,
                    SETTLE,
                    METRIC + "{" + FAILED_HERE + "} at the observatory did not count it");
            ConsumerRecord<String, byte[]> deadLetter = RawRecords.find(
                    stack.observatoryBootstrapServers(),
                    DEAD_LETTERS,
                    record -> Arrays.equals(record.value(), garbage),
                    SETTLE);
            assertThat(RawRecords.header(deadLetter, RelayTopics.HEADER_TRANSACTION_ID))
                    .isEqualTo(transactionId);
            assertThat(RawRecords.header(deadLetter, "source-topic")).isEqualTo(MIRRORED_OUTCOMES);
            assertThat(RawRecords.header(deadLetter, "error")).isEqualTo(failed.text("error"));
        } finally {
            if (!stack.component(LocalStack.MM2_COLOGNE).isRunning()) {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
        }

        // The command reaches Cologne now and is applied there; its real outcome does not undo the FAILED an operator
        // has been shown.
        Conditions.waitFor(
                () -> "APPLIED/1: null".equals(Ledger.row(transactionId)),
                SETTLE,
                "the command was not applied at Cologne");
        SiteHttp.Answer later =
                observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://after-unreadable-outcome"));
        assertThat(observatory.whenSettled(later.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        assertThat(observatory.get("/api/transactions/" + transactionId).text("state"))
                .isEqualTo("FAILED");

        SiteHttp.Answer retried = observatory.post("/api/transactions/" + transactionId + "/retry", map());
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        Conditions.waitFor(
                () -> "VISIBLE"
                        .equals(observatory
                                .get("/api/transactions/" + transactionId)
                                .text("state")),
                RECONCILED,
                Duration.ofMillis(500),
                "the retried transaction did not become VISIBLE from the ledger");
        assertThat(Ledger.row(transactionId))
                .as("the second attempt was a duplicate at Cologne")
                .isEqualTo("APPLIED/1: null");
        assertThat(observatory.get("/executed_obs_units/" + unit).text("obs_unit_id"))
                .isEqualTo("uid://unreadable-outcome");
    }
}
