package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * I10 on the real two-site system: a write retried with the same {@code Idempotency-Key} (in sequence, at once, after
 * a 503 from a stopped buffer, across a restart of the application) is one transaction with one set of records,
 * answered with its first answer; the same key with another body is 422.
 */
@ExtendWith(TwoSiteStack.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class IdempotencyKeyIT {

    private static final String KEY = "Idempotency-Key";
    private static final Duration SETTLE = Duration.ofSeconds(180);
    /** The tests that stop a part of the shared stack run after the others. */
    private static final int LAST = Integer.MAX_VALUE;

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
    private final SiteHttp main = new SiteHttp(TwoSiteStack.stack().mainApi(), TwoSiteStack.token());

    @Test
    void aStartRetriedWithTheSameKeyAtASecondaryIsOneTransactionAnsweredWithTheFirstAnswer() throws Exception {
        String unit = "uid://idem/" + UUID.randomUUID();
        Map<String, Object> body = map("obs_unit_id", unit, "instrument", "camera");
        String key = "start-" + UUID.randomUUID();

        SiteHttp.Answer first = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        SiteHttp.Answer retry = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        for (SiteHttp.Answer answer : List.of(first, retry)) {
            awaitVisible(answer.text("transaction_id"));
        }
        assertThat(rowsOfUnit(unit))
                .as("executed_obs_unit rows with obs_unit_id %s in the primary", unit)
                .isEqualTo(1);
        assertThat(retry.body()).as("the first answer").isEqualTo(first.body());
        assertThat(retry.header("Location")).isEqualTo(first.header("Location")).isNotNull();
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(first.header("Idempotent-Replayed")).isNull();
    }

    @Test
    void eightConcurrentRequestsWithTheSameKeyAreOneTransactionWithTheSameIds() throws Exception {
        String unit = "uid://idem/concurrent/" + UUID.randomUUID();
        Map<String, Object> body = map(
                "operations",
                List.of(
                        map(
                                "op",
                                "create",
                                "entity",
                                "executed_obs_unit",
                                "ref",
                                "unit",
                                "values",
                                map("obs_unit_id", unit)),
                        map(
                                "op",
                                "create",
                                "entity",
                                "raw_data_package",
                                "ref",
                                "pkg",
                                "values",
                                map("executed_obs_unit_id", "$unit", "name", "idem-pkg"))));
        String key = "atomic-" + UUID.randomUUID();

        List<SiteHttp.Answer> answers =
                atOnce(8, () -> observatory.send("POST", "/api/transactions", body, Map.of(KEY, key)));

        assertThat(answers)
                .allSatisfy(
                        answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(201));
        assertThat(answers)
                .extracting(SiteHttp.Answer::body)
                .as("one answer for all")
                .containsOnly(answers.get(0).body());
        assertThat(answers)
                .filteredOn(answer -> answer.header("Idempotent-Replayed") == null)
                .as("written once")
                .hasSize(1);
        String transaction = answers.get(0).text("transaction_id");
        awaitVisible(transaction);
        assertThat(rowsOfUnit(unit)).isEqualTo(1);
        assertThat(OperationsApiIT.count(
                        "SELECT count(*) FROM raw_data_package WHERE id = CAST(? AS uuid)",
                        answers.get(0).json().get("ids").get("pkg").asText()))
                .isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefusedWith422AndWritesNothing() throws Exception {
        String key = "reuse-" + UUID.randomUUID();
        String firstUnit = "uid://idem/first/" + UUID.randomUUID();
        String otherUnit = "uid://idem/other/" + UUID.randomUUID();
        SiteHttp.Answer first =
                observatory.send("POST", "/executed_obs_units/start", map("obs_unit_id", firstUnit), Map.of(KEY, key));
        assertThat(first.status()).as(first.body()).isEqualTo(201);

        SiteHttp.Answer other =
                observatory.send("POST", "/executed_obs_units/start", map("obs_unit_id", otherUnit), Map.of(KEY, key));

        assertThat(other.status()).as(other.body()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.text("detail")).contains("Idempotency-Key");
        awaitVisible(first.text("transaction_id"));
        assertThat(rowsOfUnit(otherUnit)).isZero();
        assertThat(rowsOfUnit(firstUnit)).isEqualTo(1);
    }

    @Test
    void aKeyThatIsNotPrintableAsciiOrTooLongIsA400NamingTheHeader() throws Exception {
        String unit = "uid://idem/bad-key/" + UUID.randomUUID();
        for (String bad : List.of("k".repeat(256), "tab\there")) {
            SiteHttp.Answer refused =
                    observatory.send("POST", "/executed_obs_units/start", map("obs_unit_id", unit), Map.of(KEY, bad));
            assertThat(refused.status()).as("%s: %s", bad, refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("errors").get(0).get("field").asText())
                    .isEqualTo(KEY);
        }
        assertThat(observatory.get("/executed_obs_units?obs_unit_id=" + unit).json())
                .isEmpty();
    }

    @Test
    @Order(LAST)
    void aRetryAfterA503FromTheBufferIsOneRecord() throws Exception {
        String unit = "uid://idem/unavailable/" + UUID.randomUUID();
        Map<String, Object> body = map("obs_unit_id", unit, "instrument", "camera");
        String key = "unavailable-" + UUID.randomUUID();
        LocalStack stack = TwoSiteStack.stack();
        stack.stop(LocalStack.KAFKA_OBSERVATORY);
        SiteHttp.Answer refused;
        try {
            refused = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        } finally {
            stack.component(LocalStack.KAFKA_OBSERVATORY).start();
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);

        AtomicReference<SiteHttp.Answer> accepted = new AtomicReference<>();
        Conditions.waitFor(
                () -> {
                    accepted.set(observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key)));
                    return accepted.get().status() == 201;
                },
                Duration.ofSeconds(180),
                Duration.ofSeconds(1),
                "the retry with the same key was not accepted once the broker ran again");

        awaitVisible(accepted.get().text("transaction_id"));
        SiteHttp.Answer again = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        assertThat(again.text("transaction_id")).isEqualTo(accepted.get().text("transaction_id"));
        assertThat(again.text("id")).isEqualTo(accepted.get().text("id"));
        assertThat(rowsOfUnit(unit))
                .as("executed_obs_unit rows with obs_unit_id %s", unit)
                .isEqualTo(1);
    }

    @Test
    void aRetryAtTheMainSiteIsOneTransactionAndAnotherBodyIs422() throws Exception {
        String unit = "uid://idem/main/" + UUID.randomUUID();
        Map<String, Object> body = map("obs_unit_id", unit);
        String key = "main-" + UUID.randomUUID();

        SiteHttp.Answer first = main.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        List<SiteHttp.Answer> retries =
                atOnce(4, () -> main.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key)));
        SiteHttp.Answer other =
                main.send("POST", "/executed_obs_units/start", map("obs_unit_id", unit + "/other"), Map.of(KEY, key));

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retries).allSatisfy(retry -> {
            assertThat(retry.status()).as(retry.body()).isEqualTo(201);
            assertThat(retry.body()).isEqualTo(first.body());
            assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        });
        assertThat(other.status()).as(other.body()).isEqualTo(422);
        assertThat(rowsOfUnit(unit)).isEqualTo(1);
        assertThat(rowsOfUnit(unit + "/other")).isZero();
        assertThat(OperationsApiIT.count(
                        "SELECT count(*) FROM relay_ledger WHERE transaction_id = CAST(? AS uuid)",
                        first.text("transaction_id")))
                .isEqualTo(1);
    }

    @Test
    void theSameKeyFromAnotherUserOrOnAnotherPathIsAnotherWrite() throws Exception {
        String key = "scoped-" + UUID.randomUUID();
        SiteHttp.Answer unit = main.send(
                "POST", "/executed_obs_units/start", map("obs_unit_id", "uid://idem/scope/" + key), Map.of(KEY, key));
        SiteHttp.Answer source = main.send(
                "POST", "/sources", map("name", "scope " + key, "ra_deg", 1.0, "dec_deg", 2.0), Map.of(KEY, key));
        SiteHttp asAdmin = new SiteHttp(
                TwoSiteStack.stack().mainApi(), TwoSiteStack.stack().adminToken());
        SiteHttp.Answer byAdmin = asAdmin.send(
                "POST",
                "/executed_obs_units/start",
                map("obs_unit_id", "uid://idem/scope/admin/" + key),
                Map.of(KEY, key));

        assertThat(List.of(unit, source, byAdmin)).allSatisfy(answer -> {
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(answer.header("Idempotent-Replayed")).isNull();
        });
        assertThat(List.of(unit.text("transaction_id"), source.text("transaction_id"), byAdmin.text("transaction_id")))
                .doesNotHaveDuplicates();
    }

    @Test
    @Order(LAST - 1)
    @DisabledIfSystemProperty(
            named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
            matches = "false",
            disabledReason = "the heap tracker keeps its keys on the heap, lost on a restart like its transactions")
    void keysSurviveARestartOfTheSecondarysApplication() throws Exception {
        String unit = "uid://idem/restart/" + UUID.randomUUID();
        Map<String, Object> body = map("obs_unit_id", unit, "instrument", "camera");
        String key = "restart-" + UUID.randomUUID();
        SiteHttp.Answer first = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        // The finish of that unit too: its replay must not meet "already completed".
        String finishPath = "/executed_obs_units/" + first.text("id") + "/finish";
        SiteHttp.Answer finished = observatory.send("PUT", finishPath, map("status", "completed"), Map.of(KEY, key));
        assertThat(finished.status()).as(finished.body()).isEqualTo(201);
        // The first answers reach the stores through their processor: wait until the restarted site can know them.
        awaitVisible(finished.text("transaction_id"));

        TwoSiteStack.stack().restart(LocalStack.OBSERVATORY_APP);

        SiteHttp.Answer retry = observatory.send("POST", "/executed_obs_units/start", body, Map.of(KEY, key));
        SiteHttp.Answer finishRetry = observatory.send("PUT", finishPath, map("status", "completed"), Map.of(KEY, key));
        SiteHttp.Answer other = observatory.send(
                "POST", "/executed_obs_units/start", map("obs_unit_id", unit + "/other"), Map.of(KEY, key));
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(finishRetry.status()).as(finishRetry.body()).isEqualTo(201);
        assertThat(finishRetry.body()).isEqualTo(finished.body());
        assertThat(other.status()).as(other.body()).isEqualTo(422);
        assertThat(rowsOfUnit(unit)).isEqualTo(1);
    }

    private void awaitVisible(String transactionId) throws Exception {
        Conditions.waitFor(
                () -> "VISIBLE".equals(observatory.whenSettled(transactionId).text("state")),
                SETTLE,
                Duration.ofSeconds(1),
                "transaction " + transactionId + " did not become VISIBLE");
    }

    private static List<SiteHttp.Answer> atOnce(int clients, Callable<SiteHttp.Answer> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<SiteHttp.Answer>> sent = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<SiteHttp.Answer> answers = new ArrayList<>();
            for (Future<SiteHttp.Answer> answer : sent) {
                answers.add(answer.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long rowsOfUnit(String obsUnitId) throws Exception {
        return OperationsApiIT.count("SELECT count(*) FROM executed_obs_unit WHERE obs_unit_id = ?", obsUnitId);
    }
}
