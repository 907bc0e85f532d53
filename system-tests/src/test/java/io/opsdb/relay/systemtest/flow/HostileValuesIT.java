package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * I9 for values: what the observatory acknowledges, the primary stores. A seeded generator, biased toward the edges
 * of every column type the API writes (text, timestamp, bigint, double precision, uuid), writes each value through
 * the observatory's API against the real primary. Each value is either refused with a 400 naming its field, or its
 * transaction ends VISIBLE and the record reads back as sent. Never a 201 and then FAILED.
 *
 * <p>The seed is {@code relay.it.values-seed} (a fixed default, so a failure reproduces); the log says how many
 * values were tried.
 */
@ExtendWith(TwoSiteStack.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class HostileValuesIT {

    private static final Logger LOG = LoggerFactory.getLogger(HostileValuesIT.class);
    private static final long SEED = Long.getLong("relay.it.values-seed", 20261129L);
    /** Start of the units that finish probes end: every end from year 1 on is after it. */
    private static final String EARLIEST_START = "0001-01-01T00:00:00Z";
    /** Units to finish, and units to update, one per probe. */
    private static final int UNITS = 23;

    private static SiteHttp observatory;
    private static String programId;
    private static String packageId;
    private static final List<String> unitsToFinish = new ArrayList<>();
    private static final List<String> unitsToUpdate = new ArrayList<>();
    private static ExecutorService clients;

    /** One write of one generated value (or pair of values) to one field; {@code fields} maps name to JSON literal. */
    record Probe(
            String target,
            String method,
            String path,
            String body,
            String readPath,
            Map<String, EdgeValues.Literal> fields) {
        @Override
        public String toString() {
            return method + " " + path + " "
                    + fields.entrySet().stream()
                            .map(f -> f.getKey() + "=" + f.getValue().description())
                            .collect(Collectors.joining(", "));
        }
    }

    /** What became of a probe: refused, or accepted and then settled. */
    record Outcome(Probe probe, SiteHttp.Answer answer, SiteHttp.Answer settled, String recordId) {}

    @BeforeAll
    static void referencedRecords() throws Exception {
        observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
        clients = Executors.newFixedThreadPool(8);
        SiteHttp.Answer program =
                observatory.post("/observing_programs", SiteHttp.map("code", "values-" + UUID.randomUUID()));
        assertThat(program.status()).as(program.body()).isEqualTo(201);
        programId = program.text("id");

        List<Object> operations = new ArrayList<>();
        operations.add(SiteHttp.map(
                "op",
                "create",
                "entity",
                "executed_obs_unit",
                "ref",
                "unit",
                "values",
                SiteHttp.map("obs_unit_id", "uid://values")));
        operations.add(SiteHttp.map(
                "op",
                "create",
                "entity",
                "raw_data_package",
                "ref",
                "pkg",
                "values",
                SiteHttp.map("executed_obs_unit_id", "$unit", "name", "values")));
        for (int i = 0; i < UNITS; i++) {
            operations.add(SiteHttp.map(
                    "op",
                    "create",
                    "entity",
                    "executed_obs_unit",
                    "ref",
                    "finish" + i,
                    "values",
                    SiteHttp.map("obs_unit_id", "uid://values/finish", "start_time", EARLIEST_START)));
            operations.add(SiteHttp.map(
                    "op",
                    "create",
                    "entity",
                    "executed_obs_unit",
                    "ref",
                    "update" + i,
                    "values",
                    SiteHttp.map("obs_unit_id", "uid://values/update", "start_time", "2026-01-01T00:00:00Z")));
        }
        SiteHttp.Answer created = observatory.post("/api/transactions", SiteHttp.map("operations", operations));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(observatory.whenSettled(created.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        packageId = created.json().get("ids").get("pkg").asText();
        for (int i = 0; i < UNITS; i++) {
            unitsToFinish.add(created.json().get("ids").get("finish" + i).asText());
            unitsToUpdate.add(created.json().get("ids").get("update" + i).asText());
        }
        Conditions.waitFor(
                () -> observatory.get("/observing_programs/" + programId).status() == 200,
                Duration.ofSeconds(30),
                "the observing program did not reach the observatory's replica");
    }

    @AfterAll
    static void stopClients() {
        if (clients != null) {
            clients.shutdownNow();
        }
    }

    @Test
    void everyGeneratedValueIsRefusedNamingItsFieldOrBecomesVisibleAsSent() throws Exception {
        List<Probe> probes = probes(new EdgeValues(SEED));

        List<Future<Outcome>> running = new ArrayList<>();
        for (Probe probe : probes) {
            running.add(clients.submit(() -> submitAndSettle(probe)));
        }
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        int refused = 0;
        int visible = 0;
        for (Future<Outcome> future : running) {
            Outcome outcome = future.get();
            String violation = violation(outcome);
            if (violation != null) {
                violations.add(outcome.probe() + ": " + violation);
            } else if (outcome.answer().status() == 400) {
                refused++;
            } else {
                visible++;
            }
        }
        LOG.info(
                "Tried {} generated values (seed {}): {} refused with 400 naming the field, {} VISIBLE as sent, {} violations",
                probes.size(),
                SEED,
                refused,
                visible,
                violations.size());

        assertThat(violations)
                .as("values acknowledged but not stored as sent, or refused without naming the field")
                .isEmpty();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(300);
        assertThat(refused).as("values refused").isPositive();
        assertThat(visible).as("values stored").isPositive();
    }

    private static List<Probe> probes(EdgeValues values) {
        List<Probe> probes = new ArrayList<>();
        for (EdgeValues.Literal text : values.text(200, 12)) {
            probes.add(unitCreate(Map.of("obs_unit_id", text)));
        }
        EdgeValues.Literal someId =
                new EdgeValues.Literal("\"uid://values/probe\"", "uid://values/probe", "uid://values/probe");
        for (EdgeValues.Literal text : values.text(4000, 6)) {
            probes.add(unitCreate(Map.of("obs_unit_id", someId, "notes", text)));
        }
        for (EdgeValues.Literal start : values.instants(20)) {
            probes.add(unitCreate(Map.of("obs_unit_id", someId, "start_time", start)));
        }
        List<EdgeValues.Literal> starts = values.instants(15);
        List<EdgeValues.Literal> ends = values.instants(15);
        for (int i = 0; i < 15; i++) {
            probes.add(unitCreate(Map.of(
                    "obs_unit_id",
                    someId,
                    "start_time",
                    starts.get(starts.size() - 1 - i),
                    "end_time",
                    ends.get(ends.size() - 1 - i))));
        }
        for (EdgeValues.Literal reference : values.references(programId)) {
            probes.add(unitCreate(Map.of("obs_unit_id", someId, "observing_program_id", reference)));
        }
        List<EdgeValues.Literal> endEdges = values.instants(0);
        for (int i = 0; i < endEdges.size(); i++) {
            probes.add(finish(unitsToFinish.get(i), endEdges.get(i)));
            probes.add(unitUpdate(unitsToUpdate.get(i), Map.of("end_time", endEdges.get(i))));
        }
        // Columns the primary holds NOT NULL (start_time, status) and one it does not (notes), emptied by an update.
        String[] emptied = {"start_time", "status", "notes"};
        for (int i = 0; i < emptied.length; i++) {
            probes.add(unitUpdate(unitsToUpdate.get(endEdges.size() + i), Map.of(emptied[i], EdgeValues.NULL)));
        }
        EdgeValues.Literal path = new EdgeValues.Literal("\"raw/values.fits\"", "raw/values.fits", "raw/values.fits");
        EdgeValues.Literal size = new EdgeValues.Literal("1", 1L, "1");
        EdgeValues.Literal pkg = new EdgeValues.Literal("\"" + packageId + "\"", packageId, packageId);
        for (EdgeValues.Literal text : values.text(1024, 12)) {
            probes.add(fileCreate(Map.of("raw_data_package_id", pkg, "path", text, "size_bytes", size)));
        }
        for (EdgeValues.Literal text : values.text(128, 5)) {
            probes.add(
                    fileCreate(Map.of("raw_data_package_id", pkg, "path", path, "size_bytes", size, "checksum", text)));
        }
        for (EdgeValues.Literal whole : values.wholeNumbers(20)) {
            probes.add(fileCreate(Map.of("raw_data_package_id", pkg, "path", path, "size_bytes", whole)));
        }
        for (EdgeValues.Literal reference : values.references(packageId)) {
            probes.add(fileCreate(Map.of("raw_data_package_id", reference, "path", path, "size_bytes", size)));
        }
        EdgeValues.Literal name = new EdgeValues.Literal("\"values\"", "values", "values");
        for (EdgeValues.Literal ra : values.doubles(0, 360, 15)) {
            probes.add(source(Map.of("name", name, "ra_deg", ra)));
        }
        for (EdgeValues.Literal dec : values.doubles(-90, 90, 10)) {
            probes.add(source(Map.of("name", name, "dec_deg", dec)));
        }
        return probes;
    }

    private static Probe unitCreate(Map<String, EdgeValues.Literal> fields) {
        String body =
                "{\"operations\":[{\"op\":\"create\",\"entity\":\"executed_obs_unit\",\"ref\":\"probe\",\"values\":"
                        + object(fields) + "}]}";
        return new Probe("unit", "POST", "/api/transactions", body, "/executed_obs_units/", fields);
    }

    private static Probe unitUpdate(String unitId, Map<String, EdgeValues.Literal> fields) {
        String body = "{\"operations\":[{\"op\":\"update\",\"entity\":\"executed_obs_unit\",\"id\":\"" + unitId
                + "\",\"values\":" + object(fields) + "}]}";
        return new Probe(unitId, "POST", "/api/transactions", body, "/executed_obs_units/", fields);
    }

    private static Probe finish(String unitId, EdgeValues.Literal end) {
        Map<String, EdgeValues.Literal> fields = Map.of("end_time", end);
        return new Probe(
                unitId,
                "PUT",
                "/executed_obs_units/" + unitId + "/finish",
                object(fields),
                "/executed_obs_units/",
                fields);
    }

    private static Probe fileCreate(Map<String, EdgeValues.Literal> fields) {
        return new Probe("file", "POST", "/raw_data_files", object(fields), "/raw_data_files/", fields);
    }

    private static Probe source(Map<String, EdgeValues.Literal> fields) {
        return new Probe("source", "POST", "/sources", object(fields), "/sources/", fields);
    }

    private static String object(Map<String, EdgeValues.Literal> fields) {
        return fields.entrySet().stream()
                .map(f -> EdgeValues.jsonString(f.getKey(), false) + ":"
                        + f.getValue().json())
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static Outcome submitAndSettle(Probe probe) throws Exception {
        SiteHttp.Answer answer = probe.method().equals("PUT")
                ? observatory.put(probe.path(), probe.body())
                : observatory.postRaw(probe.path(), probe.body());
        if (answer.status() != 201) {
            return new Outcome(probe, answer, null, null);
        }
        String recordId = answer.json().has("ids") ? recordIdOf(probe, answer.json()) : answer.text("id");
        if (probe.target().equals("source")) {
            // A source is written straight to the primary: its 201 means it is stored there.
            return new Outcome(probe, answer, null, recordId);
        }
        return new Outcome(probe, answer, observatory.whenSettled(answer.text("transaction_id")), recordId);
    }

    private static String recordIdOf(Probe probe, JsonNode answer) {
        return answer.get("ids").has("probe") ? answer.get("ids").get("probe").asText() : probe.target();
    }

    /** Why {@code outcome} breaks I9 (or I7's field-level refusal), or null when it does not. */
    private static String violation(Outcome outcome) throws Exception {
        SiteHttp.Answer answer = outcome.answer();
        Set<String> names = outcome.probe().fields().keySet();
        if (answer.status() == 400) {
            if (!answer.contentType().contains("application/problem+json")
                    || answer.json() == null
                    || !answer.json().has("errors")) {
                return "400 without field errors: " + answer.body();
            }
            boolean named = StreamSupport.stream(answer.json().get("errors").spliterator(), false)
                    .map(error -> error.path("field").asText())
                    .anyMatch(
                            field -> names.stream().anyMatch(name -> field.equals(name) || field.endsWith("." + name)));
            return named ? null : "400 naming none of " + names + ": " + answer.body();
        }
        if (answer.status() != 201) {
            return "answered " + answer.status() + ": " + answer.body();
        }
        if (outcome.settled() != null && !"VISIBLE".equals(outcome.settled().text("state"))) {
            return "acknowledged with 201, then " + outcome.settled().body();
        }
        String readPath = outcome.probe().readPath() + outcome.recordId();
        Conditions.waitFor(
                () -> observatory.get(readPath).status() == 200,
                Duration.ofSeconds(30),
                readPath + " is not readable at the observatory");
        JsonNode stored = observatory.get(readPath).json();
        for (Map.Entry<String, EdgeValues.Literal> field :
                outcome.probe().fields().entrySet()) {
            Object expected = field.getValue().readsBackAs();
            JsonNode actual = stored.get(field.getKey());
            if (!readsBackAs(actual, expected)) {
                return "stored " + field.getKey() + " reads back as " + actual + ", not as sent";
            }
        }
        return null;
    }

    private static boolean readsBackAs(JsonNode actual, Object expected) {
        if (expected == EdgeValues.NO_VALUE) {
            return actual == null || actual.isNull();
        }
        if (expected == null || actual == null || actual.isNull()) {
            return false;
        }
        if (expected instanceof Instant instant) {
            return Instant.parse(actual.asText()).equals(instant);
        }
        if (expected instanceof Long whole) {
            return actual.isIntegralNumber() && actual.asLong() == whole;
        }
        if (expected instanceof Double number) {
            return actual.isNumber() && Double.compare(actual.asDouble(), number) == 0;
        }
        return actual.asText().equals(expected);
    }
}
