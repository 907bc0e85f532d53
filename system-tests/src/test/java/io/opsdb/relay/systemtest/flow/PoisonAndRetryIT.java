package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * I6 and the operator's side of it: poison commands end FAILED with their reasons while the good ones behind
 * them are applied; each keeps its original command as a dead letter; once the cause is fixed a retry (at
 * the observatory or at the main site) applies it, and an operator can discard another, on the real stack.
 *
 * <p>The poison is made the way it happens in operation: a unit started at the observatory references an
 * observing program its replica has, and the program is deleted at the main site before the command gets
 * there (the command flow to Cologne is stopped meanwhile, as in a WAN outage).
 */
@ExtendWith(TwoSiteStack.class)
class PoisonAndRetryIT {

    /** The user of the stack's service token, the one these requests are made with. */
    private static final String SERVICE_USER = "relay-service";

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
    private final SiteHttp main = new SiteHttp(TwoSiteStack.stack().mainApi(), TwoSiteStack.token());

    @Test
    void poisonCommandsFailWithTheirReasonsWhileTheRestIsAppliedAndOperatorsRetryOrDiscardThem() throws Exception {
        String program = UUID.randomUUID().toString();
        ObservingPrograms.create(program, "poison");
        Conditions.waitFor(
                () -> count(
                                TwoSiteStack.replica(),
                                "SELECT count(*) FROM observing_program WHERE id = CAST(? AS uuid)",
                                program)
                        == 1,
                SETTLE,
                "program did not reach the replica");
        SiteHttp.Answer warmUp = startUnit("poison/warm-up", null);
        assertThat(observatory.whenSettled(warmUp.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");

        // The WAN is down for commands: everything below waits in the observatory's buffer.
        LocalStack stack = TwoSiteStack.stack();
        stack.stop(LocalStack.MM2_COLOGNE);
        SiteHttp.Answer badStart = startUnit("poison/1", program);
        SiteHttp.Answer goodStart = startUnit("poison/good-1", null);
        SiteHttp.Answer badFinish = finishUnit(badStart.text("id"));
        SiteHttp.Answer badStart2 = startUnit("poison/2", program);
        SiteHttp.Answer goodStart2 = startUnit("poison/good-2", null);
        SiteHttp.Answer goodFinish = finishUnit(goodStart.text("id"));
        String p1 = badStart.text("transaction_id");
        String p2 = badFinish.text("transaction_id");
        String p3 = badStart2.text("transaction_id");
        List<String> good = List.of(
                goodStart.text("transaction_id"), goodStart2.text("transaction_id"), goodFinish.text("transaction_id"));
        Set<String> ours = new HashSet<>(good);
        ours.addAll(List.of(p1, p2, p3));
        // Meanwhile at Cologne the program is deleted, so the first and third commands can no longer apply.
        ObservingPrograms.delete(program);
        stack.component(LocalStack.MM2_COLOGNE).start();

        for (String tx : good) {
            assertThat(observatory.whenSettled(tx).text("state"))
                    .as("good transaction %s behind the poison", tx)
                    .isEqualTo("VISIBLE");
        }
        SiteHttp.Answer failed1 = observatory.whenSettled(p1);
        assertThat(failed1.text("state")).isEqualTo("FAILED");
        assertThat(failed1.text("error")).contains("23503").contains("observing_program");
        assertThat(observatory.whenSettled(p2).text("error"))
                .contains("executed_obs_unit " + badStart.text("id") + " does not exist");
        assertThat(observatory.whenSettled(p3).text("state")).isEqualTo("FAILED");

        // The dead letter keeps the command as the observatory produced it, with the reason.
        WriteCommand kept = deadLetter(p1, failed1.text("error"));
        assertThat(kept.getTransactionId()).isEqualTo(p1);
        assertThat(kept.getAttempt()).isEqualTo(1);
        assertThat(kept.getOperations()).singleElement().satisfies(op -> {
            assertThat(op.getType()).isEqualTo(OperationType.CREATE);
            assertThat(op.getRecordId()).isEqualTo(badStart.text("id"));
            assertThat(op.getValues()).containsEntry("observing_program_id", program);
        });

        assertThat(listed(observatory, "FAILED", ours)).containsExactlyInAnyOrder(p1, p2, p3);
        assertThat(listed(main, "FAILED", ours)).as("the main site's ledger").containsExactlyInAnyOrder(p1, p2, p3);
        assertThat(observatory.get("/api/buffer").json().get("failed").asInt()).isGreaterThanOrEqualTo(3);

        // The cause is fixed at Cologne; the first is retried at the observatory, the second at the main site.
        ObservingPrograms.create(program, "poison");
        SiteHttp.Answer retried = observatory.post("/api/transactions/" + p1 + "/retry", map());
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.text("state")).isEqualTo("BUFFERED");
        assertThat(retried.json().get("attempt").asInt()).isEqualTo(2);
        assertThat(retried.text("retried_by")).isEqualTo(SERVICE_USER);
        assertThat(retried.text("retried_at")).isNotNull();
        SiteHttp.Answer visible = observatory.whenSettled(p1);
        assertThat(visible.text("state")).isEqualTo("VISIBLE");
        assertThat(visible.text("retried_by")).isEqualTo(SERVICE_USER);
        assertThat(observatory.get("/executed_obs_units/" + badStart.text("id")).text("observing_program_id"))
                .isEqualTo(program);

        SiteHttp.Answer retriedAtMain = main.post("/api/transactions/" + p2 + "/retry", map());
        assertThat(retriedAtMain.status()).as(retriedAtMain.body()).isEqualTo(200);
        assertThat(retriedAtMain.text("state"))
                .as("applied straight to the primary")
                .isEqualTo("VISIBLE");
        assertThat(retriedAtMain.json().get("attempt").asInt()).isEqualTo(2);
        assertThat(retriedAtMain.text("retried_by")).isEqualTo(SERVICE_USER);
        Conditions.waitFor(
                () -> "VISIBLE"
                        .equals(observatory.get("/api/transactions/" + p2).text("state")),
                SETTLE,
                "the observatory did not follow the retry made at the main site");
        assertThat(observatory.get("/executed_obs_units/" + badStart.text("id")).text("status"))
                .isEqualTo("completed");

        // The third is set aside.
        SiteHttp.Answer discarded = observatory.post("/api/transactions/" + p3 + "/discard", map());
        assertThat(discarded.status()).as(discarded.body()).isEqualTo(200);
        assertThat(discarded.text("state")).isEqualTo("DISCARDED");
        assertThat(discarded.text("discarded_by")).isEqualTo(SERVICE_USER);
        assertThat(discarded.text("discarded_at")).isNotNull();
        assertThat(discarded.text("error")).as("the reason stays").contains("23503");
        assertThat(observatory.get("/api/transactions/" + p3).text("discarded_by"))
                .isEqualTo(SERVICE_USER);

        assertThat(listed(observatory, "FAILED", ours)).isEmpty();
        assertThat(listed(observatory, "DISCARDED", ours)).containsExactly(p3);
        assertThat(observatory.get("/api/buffer").json().get("discarded").asInt())
                .isGreaterThanOrEqualTo(1);
        for (String tx : List.of(p1, p2)) {
            assertThat(main.get("/api/transactions/" + tx).text("state"))
                    .as("applied at the main site")
                    .isEqualTo("VISIBLE");
        }
    }

    @Test
    void onlyAFailedTransactionCanBeRetriedOrDiscarded() throws Exception {
        SiteHttp.Answer unit = startUnit("poison/settled", null);
        String tx = unit.text("transaction_id");
        assertThat(observatory.whenSettled(tx).text("state")).isEqualTo("VISIBLE");

        for (SiteHttp site : List.of(observatory, main)) {
            for (String action : List.of("retry", "discard")) {
                SiteHttp.Answer refused = site.post("/api/transactions/" + tx + "/" + action, map());
                assertThat(refused.status()).as(action + ": " + refused.body()).isEqualTo(409);
                assertThat(refused.contentType()).startsWith("application/problem+json");
                assertThat(refused.text("detail")).contains("is VISIBLE").contains("only a FAILED transaction");
            }
            assertThat(site.post("/api/transactions/" + UUID.randomUUID() + "/retry", map())
                            .status())
                    .isEqualTo(404);
        }
        assertThat(observatory.get("/api/transactions/" + tx).text("retried_by"))
                .isNull();
    }

    @Test
    void listsByStateArePagedAndAnUnknownStateIsAFieldError() throws Exception {
        for (int i = 0; i < 3; i++) {
            observatory.whenSettled(startUnit("poison/page-" + i, null).text("transaction_id"));
        }
        for (SiteHttp site : List.of(observatory, main)) {
            SiteHttp.Answer first = site.get("/api/transactions?state=VISIBLE&limit=2");
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            assertThat(first.json().get("transactions")).hasSize(2);
            String cursor = first.text("next_cursor");
            assertThat(cursor)
                    .isEqualTo(first.json()
                            .get("transactions")
                            .get(1)
                            .get("transaction_id")
                            .asText());
            SiteHttp.Answer next = site.get("/api/transactions?state=visible&limit=2&cursor=" + cursor);
            assertThat(next.json().get("transactions"))
                    .isNotEmpty()
                    .allSatisfy(
                            t -> assertThat(t.get("transaction_id").asText()).isGreaterThan(cursor));

            SiteHttp.Answer invalid = site.get("/api/transactions?state=LOST&limit=5000");
            assertThat(invalid.status()).isEqualTo(400);
            assertThat(invalid.contentType()).startsWith("application/problem+json");
            assertThat(invalid.json().get("errors"))
                    .extracting(e -> e.get("field").asText())
                    .containsExactlyInAnyOrder("state", "limit");
        }
    }

    private SiteHttp.Answer startUnit(String obsUnitId, String program) throws Exception {
        Map<String, Object> body = map("obs_unit_id", "uid://" + obsUnitId, "instrument", "camera");
        if (program != null) {
            body.put("observing_program_id", program);
        }
        SiteHttp.Answer accepted = observatory.post("/executed_obs_units/start", body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        return accepted;
    }

    private SiteHttp.Answer finishUnit(String id) throws Exception {
        SiteHttp.Answer accepted = observatory.put("/executed_obs_units/" + id + "/finish", map("status", "completed"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        return accepted;
    }

    /** The ids among {@code ours} that the site lists in {@code state}, every page read. */
    private static List<String> listed(SiteHttp site, String state, Set<String> ours) throws Exception {
        List<String> found = new ArrayList<>();
        String cursor = null;
        do {
            SiteHttp.Answer page = site.get(
                    "/api/transactions?state=" + state + "&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            for (JsonNode tx : page.json().get("transactions")) {
                assertThat(tx.get("state").asText()).isEqualTo(state);
                if (ours.contains(tx.get("transaction_id").asText())) {
                    found.add(tx.get("transaction_id").asText());
                }
            }
            cursor = page.text("next_cursor");
        } while (cursor != null);
        return found;
    }

    /** The command kept for a FAILED transaction at the main site, checked to carry {@code reason}. */
    private static WriteCommand deadLetter(String transactionId, String reason) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement select = primary.prepareStatement(
                        "SELECT attempt, error, source_topic, payload FROM relay_dead_letter WHERE transaction_id = CAST(? AS uuid)")) {
            select.setString(1, transactionId);
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).as("dead letter of " + transactionId).isTrue();
                assertThat(row.getInt(1)).isEqualTo(1);
                assertThat(row.getString(2)).isEqualTo(reason);
                assertThat(row.getString(3)).isEqualTo("observatory.ops.commands");
                return RelayCodecs.writeCommands().decode(row.getBytes(4));
            }
        }
    }

    private static long count(Connection connection, String sql, String id) throws Exception {
        try (connection;
                PreparedStatement count = connection.prepareStatement(sql)) {
            count.setString(1, id);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
