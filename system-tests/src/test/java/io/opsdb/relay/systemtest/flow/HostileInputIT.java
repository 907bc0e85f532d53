package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayLimits;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * I7: bad input is refused before anything is produced, with a clear, field-level problem, and nothing
 * else is affected. Each case checks the status, the message, that the observatory's buffer topic did not
 * grow, and that no table at the main site changed.
 */
@ExtendWith(TwoSiteStack.class)
class HostileInputIT {

    private static final String NO_SUCH = "00000000-0000-4000-8000-000000000000";
    private static final String[] TABLES = {
        "executed_obs_unit",
        "raw_data_package",
        "raw_data_file",
        "observing_program",
        "source",
        "relay_ledger",
        "api_token"
    };

    private static Admin admin;
    private static SiteHttp observatory;
    private static String unitId;
    private static String viewerToken;

    /** token: "service" (allowed), "none", "wrong", "viewer". */
    record Case(String name, String method, String path, Object body, String token, int status, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void existingRecordsAndAViewer() throws Exception {
        Properties config = new Properties();
        config.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TwoSiteStack.stack().observatoryBootstrapServers());
        admin = Admin.create(config);
        observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
        SiteHttp.Answer unit = observatory.post(
                "/executed_obs_units/start", map("obs_unit_id", "uid://hostile", "start_time", "2026-01-01T00:00:00Z"));
        unitId = unit.text("id");
        assertThat(observatory.whenSettled(unit.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");

        SiteHttp main = new SiteHttp(
                TwoSiteStack.stack().mainApi(), TwoSiteStack.stack().adminToken());
        SiteHttp.Answer issued =
                main.post("/api/tokens", map("username", "hostile-viewer-" + UUID.randomUUID(), "role", "viewer"));
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        viewerToken = issued.text("token");
        SiteHttp asViewer = new SiteHttp(TwoSiteStack.stack().observatoryApi(), viewerToken);
        Conditions.waitFor(
                () -> asViewer.get("/executed_obs_units/" + unitId).status() == 200,
                Duration.ofSeconds(30),
                "viewer token did not reach the observatory's replica");
    }

    @AfterAll
    static void close() {
        if (admin != null) {
            admin.close();
        }
    }

    static Stream<Arguments> cases() {
        String longText = "x".repeat(201);
        List<Map<String, Object>> tooManyFiles = new ArrayList<>();
        for (int i = 0; i <= 10_000; i++) {
            tooManyFiles.add(map("raw_data_package_id", NO_SUCH, "path", "f" + i, "size_bytes", 1));
        }
        return Stream.of(
                        c("missing required field", "POST", "/executed_obs_units/start", map(), 400, "is required"),
                        c(
                                "wrong type",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", 42),
                                400,
                                "must be a string"),
                        c(
                                "blank string",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "  "),
                                400,
                                "must not be blank"),
                        c(
                                "too long",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", longText),
                                400,
                                "at most 200 characters"),
                        c(
                                "not a timestamp",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u", "start_time", "yesterday"),
                                400,
                                "ISO-8601"),
                        c(
                                "invalid uuid",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u", "observing_program_id", "12345"),
                                400,
                                "must be a UUID"),
                        c(
                                "unknown field",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u", "colour", "red"),
                                400,
                                "unknown field"),
                        c("json array body", "POST", "/executed_obs_units/start", "[1,2,3]", 400, "JSON object"),
                        c(
                                "malformed json",
                                "POST",
                                "/executed_obs_units/start",
                                "{\"obs_unit_id\": ",
                                400,
                                "JSON object"),
                        c(
                                "sql in an enum field",
                                "PUT",
                                "/executed_obs_units/" + NO_SUCH + "/finish",
                                map("status", "completed'; DROP TABLE executed_obs_unit; --"),
                                400,
                                "must be one of completed, failed"),
                        c(
                                "sql in a path id",
                                "GET",
                                "/executed_obs_units/1'%20OR%20'1'='1",
                                null,
                                400,
                                "must be a UUID"),
                        c(
                                "path with a statement separator",
                                "GET",
                                "/executed_obs_units/1';DROP%20TABLE%20relay_ledger;--",
                                null,
                                400,
                                "not in canonical form"),
                        c(
                                "sql in a filter",
                                "GET",
                                "/executed_obs_units?status=running%27%20OR%201=1--",
                                null,
                                400,
                                "must be one of"),
                        c(
                                "finish of an unknown unit",
                                "PUT",
                                "/executed_obs_units/" + NO_SUCH + "/finish",
                                map(),
                                404,
                                "No executed obs unit"),
                        c(
                                "finish with an invalid id",
                                "PUT",
                                "/executed_obs_units/not-a-uuid/finish",
                                map(),
                                400,
                                "must be a UUID"),
                        c(
                                "unknown finished status",
                                "PUT",
                                "/executed_obs_units/{unit}/finish",
                                map("status", "exploded"),
                                400,
                                "must be one of"),
                        c(
                                "end before start",
                                "PUT",
                                "/executed_obs_units/{unit}/finish",
                                map("end_time", "2000-01-01T00:00:00Z"),
                                400,
                                "must not be before start_time"),
                        c("package without fields", "POST", "/raw_data_package", map(), 400, "is required"),
                        c(
                                "package of an unknown unit",
                                "POST",
                                "/raw_data_package",
                                map("executed_obs_unit_id", NO_SUCH, "name", "p"),
                                400,
                                "no executed_obs_unit"),
                        c(
                                "unknown package state",
                                "POST",
                                "/raw_data_package",
                                map("executed_obs_unit_id", "{unit}", "name", "p", "state", "lost"),
                                400,
                                "must be one of"),
                        c(
                                "negative size",
                                "POST",
                                "/raw_data_files",
                                map("raw_data_package_id", NO_SUCH, "path", "a", "size_bytes", -5),
                                400,
                                "must not be less than 0"),
                        c(
                                "size as text",
                                "POST",
                                "/raw_data_files",
                                map("raw_data_package_id", NO_SUCH, "path", "a", "size_bytes", "big"),
                                400,
                                "must be a whole number"),
                        c(
                                "fractional size",
                                "POST",
                                "/raw_data_files",
                                map("raw_data_package_id", NO_SUCH, "path", "a", "size_bytes", 1.5),
                                400,
                                "must be a whole number"),
                        c(
                                "file of an unknown package",
                                "POST",
                                "/raw_data_files",
                                map("raw_data_package_id", NO_SUCH, "path", "a", "size_bytes", 1),
                                400,
                                "no raw_data_package"),
                        c("bulk without files", "POST", "/raw_data_files/bulk", map(), 400, "non-empty array"),
                        c(
                                "bulk with too many files",
                                "POST",
                                "/raw_data_files/bulk",
                                map("files", tooManyFiles),
                                400,
                                "at most 10000 files"),
                        c(
                                "bulk with one bad file",
                                "POST",
                                "/raw_data_files/bulk",
                                map(
                                        "files",
                                        List.of(
                                                map("raw_data_package_id", NO_SUCH, "path", "a", "size_bytes", 1),
                                                map("raw_data_package_id", NO_SUCH, "path", "b", "size_bytes", -1))),
                                400,
                                "files[1].size_bytes"),
                        c("transaction without operations", "POST", "/api/transactions", map(), 400, "non-empty array"),
                        c(
                                "unknown operation",
                                "POST",
                                "/api/transactions",
                                map(
                                        "operations",
                                        List.of(map(
                                                "op",
                                                "upsert",
                                                "entity",
                                                "executed_obs_unit",
                                                "values",
                                                map("obs_unit_id", "u")))),
                                400,
                                "must be one of create, delete, update"),
                        c(
                                "reference data in a transaction",
                                "POST",
                                "/api/transactions",
                                map(
                                        "operations",
                                        List.of(map(
                                                "op",
                                                "create",
                                                "entity",
                                                "observing_program",
                                                "values",
                                                map("code", "c")))),
                                400,
                                "operations[0].entity"),
                        c(
                                "update of an unknown record",
                                "POST",
                                "/api/transactions",
                                map(
                                        "operations",
                                        List.of(map(
                                                "op",
                                                "update",
                                                "entity",
                                                "executed_obs_unit",
                                                "id",
                                                NO_SUCH,
                                                "values",
                                                map("notes", "n")))),
                                400,
                                "no executed_obs_unit"),
                        c(
                                "unknown $reference",
                                "POST",
                                "/api/transactions",
                                map(
                                        "operations",
                                        List.of(map(
                                                "op",
                                                "create",
                                                "entity",
                                                "raw_data_package",
                                                "values",
                                                map("executed_obs_unit_id", "$ghost", "name", "p")))),
                                400,
                                "which no earlier operation of this transaction created"),
                        c(
                                "delete with values",
                                "POST",
                                "/api/transactions",
                                map(
                                        "operations",
                                        List.of(map(
                                                "op",
                                                "delete",
                                                "entity",
                                                "executed_obs_unit",
                                                "id",
                                                "{unit}",
                                                "values",
                                                map("notes", "n")))),
                                400,
                                "a delete takes no values"),
                        c(
                                "source out of range",
                                "POST",
                                "/sources",
                                map("name", "s", "ra_deg", 400),
                                400,
                                "must be from 0.0 to 360.0"),
                        c("program without code", "POST", "/observing_programs", map("title", "t"), 400, "is required"),
                        c(
                                "limit out of range",
                                "GET",
                                "/executed_obs_units?limit=0",
                                null,
                                400,
                                "must be from 1 to 1000"),
                        c(
                                "oversized body",
                                "POST",
                                "/raw_data_files/bulk",
                                "{\"files\": \"" + "x".repeat(RelayLimits.MAX_COMMAND_BYTES) + "\"}",
                                413,
                                "larger than"),
                        c(
                                "oversized body without a length (chunked)",
                                "CHUNKED",
                                "/raw_data_files/bulk",
                                "{\"files\": \"" + "x".repeat(RelayLimits.MAX_COMMAND_BYTES) + "\"}",
                                411,
                                "Content-Length"),
                        c(
                                "small write without a length (chunked)",
                                "CHUNKED",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "uid://chunked"),
                                411,
                                "Content-Length"),
                        new Case(
                                "no token",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u"),
                                "none",
                                401,
                                "token"),
                        new Case(
                                "wrong token",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u"),
                                "wrong",
                                401,
                                "token"),
                        new Case(
                                "viewer token on a write",
                                "POST",
                                "/executed_obs_units/start",
                                map("obs_unit_id", "u"),
                                "viewer",
                                403,
                                "does not allow"))
                .map(Arguments::of);
    }

    private static Case c(String name, String method, String path, Object body, int status, String message) {
        return new Case(name, method, path, body, "service", status, message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedAndTouchesNothing(Case hostile) throws Exception {
        long bufferedBefore = bufferEndOffset();
        Map<String, Long> rowsBefore = rowCounts();

        SiteHttp client = new SiteHttp(
                TwoSiteStack.stack().observatoryApi(),
                switch (hostile.token()) {
                    case "none" -> null;
                    case "wrong" -> "ops_api_token_" + "A".repeat(43);
                    case "viewer" -> viewerToken;
                    default -> TwoSiteStack.token();
                });
        String path = hostile.path().replace("{unit}", unitId);
        Object body =
                hostile.body() instanceof Map<?, ?> m ? SiteHttp.json(m).replace("{unit}", unitId) : hostile.body();
        SiteHttp.Answer answer = switch (hostile.method()) {
            case "GET" -> client.get(path);
            case "PUT" -> client.put(path, body);
            case "CHUNKED" -> client.postChunked(path, body instanceof String s ? s : SiteHttp.json(body));
            default -> client.postRaw(path, body instanceof String s ? s : SiteHttp.json(body));
        };

        assertThat(answer.status()).as(answer.body()).isEqualTo(hostile.status());
        assertThat(answer.contentType()).contains("application/problem+json");
        assertThat(answer.body()).contains(hostile.message());
        assertThat(bufferEndOffset())
                .as("records produced to the observatory's buffer")
                .isEqualTo(bufferedBefore);
        assertThat(rowCounts()).as("rows at the main site").isEqualTo(rowsBefore);
    }

    @Test
    void sqlMetacharactersInAValidFieldAreStoredVerbatim() throws Exception {
        String hostileText = "x'); DROP TABLE executed_obs_unit; --";
        SiteHttp.Answer accepted = observatory.post("/executed_obs_units/start", map("obs_unit_id", hostileText));
        assertThat(accepted.status()).isEqualTo(201);
        assertThat(observatory.whenSettled(accepted.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        assertThat(observatory.get("/executed_obs_units/" + accepted.text("id")).text("obs_unit_id"))
                .isEqualTo(hostileText);
    }

    private static long bufferEndOffset() throws Exception {
        TopicPartition partition = new TopicPartition(RelayTopics.COMMANDS, 0);
        return admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .partitionResult(partition)
                .get()
                .offset();
    }

    private static Map<String, Long> rowCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection primary = TwoSiteStack.primary();
                Statement statement = primary.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM " + table)) {
                    rows.next();
                    counts.put(table, rows.getLong(1));
                }
            }
        }
        return counts;
    }
}
