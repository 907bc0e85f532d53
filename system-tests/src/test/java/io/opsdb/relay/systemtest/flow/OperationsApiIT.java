package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operations API at both site types, on the real two-site system. */
@ExtendWith(TwoSiteStack.class)
class OperationsApiIT {

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());
    private final SiteHttp main = new SiteHttp(TwoSiteStack.stack().mainApi(), TwoSiteStack.token());

    @Test
    void anAtomicTransactionCreatesAUnitItsPackageAndFilesReadableAtOnceAndAfterVisibility() throws Exception {
        SiteHttp.Answer accepted = observatory.post(
                "/api/transactions",
                map(
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
                                        map("obs_unit_id", "uid://atomic/1")),
                                map(
                                        "op",
                                        "create",
                                        "entity",
                                        "raw_data_package",
                                        "ref",
                                        "pkg",
                                        "values",
                                        map("executed_obs_unit_id", "$unit", "name", "atomic-pkg")),
                                map(
                                        "op",
                                        "create",
                                        "entity",
                                        "raw_data_file",
                                        "values",
                                        map("raw_data_package_id", "$pkg", "path", "a.fits", "size_bytes", 10)),
                                map(
                                        "op",
                                        "create",
                                        "entity",
                                        "raw_data_file",
                                        "values",
                                        map("raw_data_package_id", "$pkg", "path", "b.fits", "size_bytes", 20)),
                                map(
                                        "op",
                                        "update",
                                        "entity",
                                        "executed_obs_unit",
                                        "id",
                                        "$unit",
                                        "values",
                                        map("status", "completed")))));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        String unit = accepted.json().get("ids").get("unit").asText();
        String pkg = accepted.json().get("ids").get("pkg").asText();
        assertThat(accepted.json().get("operations")).hasSize(5);

        SiteHttp.Answer inFlight = observatory.get("/raw_data_package/" + pkg);
        assertThat(inFlight.status()).isEqualTo(200);
        assertThat(inFlight.json().get("files"))
                .extracting(f -> f.get("path").asText())
                .containsExactly("a.fits", "b.fits");
        assertThat(observatory.get("/executed_obs_units/" + unit).text("status"))
                .isEqualTo("completed");

        assertThat(observatory.whenSettled(accepted.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        SiteHttp.Answer visible = observatory.get("/raw_data_package/" + pkg);
        assertThat(visible.body())
                .as("same before and after it reaches the replica")
                .isEqualTo(inFlight.body());
        assertThat(count("SELECT count(*) FROM raw_data_file WHERE raw_data_package_id = CAST(? AS uuid)", pkg))
                .isEqualTo(2);
        assertThat(count(
                        "SELECT count(*) FROM executed_obs_unit WHERE id = CAST(? AS uuid) AND status = 'completed'",
                        unit))
                .isEqualTo(1);
    }

    @Test
    void aBulkOfThousandsOfFilesIsOneTransaction() throws Exception {
        String pkg = newPackage("bulk");
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            files.add(map(
                    "raw_data_package_id",
                    pkg,
                    "path",
                    "raw/bulk/" + i + ".fits",
                    "size_bytes",
                    1000L + i,
                    "checksum",
                    "sha256:" + i));
        }
        SiteHttp.Answer accepted = observatory.post("/raw_data_files/bulk", map("files", files));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
        assertThat(accepted.json().get("ids")).hasSize(3000);
        assertThat(observatory.get("/raw_data_package/" + pkg).json().get("files"))
                .hasSize(3000);

        assertThat(observatory.whenSettled(accepted.text("transaction_id")).text("state"))
                .isEqualTo("VISIBLE");
        assertThat(count("SELECT count(*) FROM raw_data_file WHERE raw_data_package_id = CAST(? AS uuid)", pkg))
                .isEqualTo(3000);
        String oneId = accepted.json().get("ids").get(1234).asText();
        assertThat(observatory.get("/raw_data_files/" + oneId).text("path")).isEqualTo("raw/bulk/1234.fits");
    }

    @Test
    void finalizingAPackageIsReadBackAndCannotHappenTwice() throws Exception {
        String pkg = newPackage("finalize");
        SiteHttp.Answer finalized = observatory.put("/raw_data_package/" + pkg + "/finalize", map());
        assertThat(finalized.status()).as(finalized.body()).isEqualTo(201);
        assertThat(observatory.get("/raw_data_package/" + pkg).text("state")).isEqualTo("complete");
        assertThat(observatory
                        .put("/raw_data_package/" + pkg + "/finalize", map())
                        .status())
                .isEqualTo(409);
    }

    @Test
    void listsMergeInFlightUnitsWithoutDuplicates() throws Exception {
        String instrument = "lister-" + UUID.randomUUID();
        List<String> transactions = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            transactions.add(observatory
                    .post("/executed_obs_units/start", map("obs_unit_id", "uid://list/" + i, "instrument", instrument))
                    .text("transaction_id"));
        }
        SiteHttp.Answer before = observatory.get("/executed_obs_units?instrument=" + instrument);
        assertThat(before.json()).hasSize(3);
        for (String tx : transactions) {
            assertThat(observatory.whenSettled(tx).text("state")).isEqualTo("VISIBLE");
        }
        SiteHttp.Answer after = observatory.get("/executed_obs_units?instrument=" + instrument);
        assertThat(after.json())
                .extracting(u -> u.get("obs_unit_id").asText())
                .containsExactlyInAnyOrder("uid://list/0", "uid://list/1", "uid://list/2");
        assertThat(observatory
                        .get("/executed_obs_units?instrument=" + instrument + "&limit=2")
                        .json())
                .hasSize(2);
        assertThat(observatory.get("/executed_obs_units?status=exploded").status())
                .isEqualTo(400);
    }

    @Test
    void theMainSiteWritesStraightToThePrimary() throws Exception {
        SiteHttp.Answer started = main.post("/executed_obs_units/start", map("obs_unit_id", "uid://main/1"));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        assertThat(started.text("state")).isEqualTo("VISIBLE");
        assertThat(count(
                        "SELECT count(*) FROM executed_obs_unit WHERE id = CAST(? AS uuid) AND site = 'cologne'",
                        started.text("id")))
                .isEqualTo(1);
        assertThat(main.get("/api/transactions/" + started.text("transaction_id"))
                        .text("state"))
                .isEqualTo("VISIBLE");
        assertThat(main.get("/executed_obs_units/" + started.text("id")).text("obs_unit_id"))
                .isEqualTo("uid://main/1");
    }

    @Test
    void referenceDataIsWrittenAtTheMainSiteAndReadEverywhere() throws Exception {
        String code = "P-" + UUID.randomUUID().toString().substring(0, 8);
        SiteHttp.Answer atMain = main.post("/observing_programs", map("code", code, "title", "Deep field"));
        assertThat(atMain.status()).as(atMain.body()).isEqualTo(201);
        // A non-critical write at the observatory goes straight to the primary and is answered once the replica has it.
        SiteHttp.Answer atObservatory =
                observatory.post("/sources", map("name", "NGC 253", "ra_deg", 11.888, "dec_deg", -25.288));
        assertThat(atObservatory.status()).as(atObservatory.body()).isEqualTo(201);
        assertThat(atObservatory.text("state")).isEqualTo("VISIBLE");
        assertThat(observatory.get("/sources/" + atObservatory.text("id")).text("name"))
                .isEqualTo("NGC 253");
        Conditions.waitFor(
                () -> observatory
                                .get("/observing_programs/" + atMain.text("id"))
                                .status()
                        == 200,
                Duration.ofSeconds(30),
                "program not replicated to the observatory");
        assertThat(observatory.get("/observing_programs?limit=1000").json())
                .extracting(p -> p.get("code").asText())
                .contains(code);
        assertThat(observatory
                        .post("/sources", map("name", "bad", "ra_deg", 400))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void referencesThatDoNotExistHereAreRefusedBeforeAnythingIsProduced() throws Exception {
        SiteHttp.Answer refused = observatory.post(
                "/raw_data_package",
                map("executed_obs_unit_id", "00000000-0000-4000-8000-000000000000", "name", "orphan"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("executed_obs_unit_id");
        assertThat(refused.json().get("errors").get(0).get("message").asText())
                .isEqualTo("no executed_obs_unit 00000000-0000-4000-8000-000000000000");
        SiteHttp.Answer badRef = observatory.post(
                "/api/transactions",
                map(
                        "operations",
                        List.of(map(
                                "op",
                                "create",
                                "entity",
                                "raw_data_file",
                                "values",
                                map("raw_data_package_id", "$nope", "path", "x", "size_bytes", 1)))));
        assertThat(badRef.status()).isEqualTo(400);
        assertThat(badRef.body()).contains("operations[0].values.raw_data_package_id");
    }

    @Test
    void siteInfoDescribesEachSite() throws Exception {
        JsonNode observatoryInfo = observatory.get("/api/site/info").json();
        assertThat(observatoryInfo.get("site_name").asText()).isEqualTo("observatory");
        assertThat(observatoryInfo.get("site_type").asText()).isEqualTo("secondary");
        assertThat(observatoryInfo.get("is_secondary_site").asBoolean()).isTrue();
        assertThat(observatoryInfo.get("critical_operations_buffer").asBoolean())
                .isTrue();
        assertThat(observatoryInfo.has("in_flight")).isTrue();
        assertThat(observatoryInfo.has("replica_lag_seconds")).isTrue();
        JsonNode mainInfo = main.get("/api/site/info").json();
        assertThat(mainInfo.get("site_name").asText()).isEqualTo("cologne");
        assertThat(mainInfo.get("is_main_site").asBoolean()).isTrue();
        assertThat(main.get("/docs").status()).isIn(200, 302);
        assertThat(main.get("/v3/api-docs").body())
                .contains("/api/transactions")
                .contains("/raw_data_files/bulk");
    }

    @Test
    void theApiDescriptionHasASchemaForEveryBodyAndIsServedAtOpenApiJsonToo() throws Exception {
        SiteHttp anonymous = new SiteHttp(TwoSiteStack.stack().mainApi(), null);
        SiteHttp.Answer docs = anonymous.get("/v3/api-docs");
        SiteHttp.Answer alias = anonymous.get("/openapi.json");
        assertThat(alias.status()).as(alias.body()).isEqualTo(200);
        assertThat(alias.contentType()).contains("application/json");
        assertThat(alias.json()).isEqualTo(docs.json());

        JsonNode start = docs.json().at("/paths/~1executed_obs_units~1start/post");
        assertThat(start.at("/requestBody/content/application~1json/schema/$ref")
                        .asText())
                .isEqualTo("#/components/schemas/ObsUnitStart");
        assertThat(start.at("/responses/201").toString()).contains("#/components/schemas/WriteAccepted");
        assertThat(docs.json()
                        .at("/paths/~1executed_obs_units~1{id}/get/responses/200")
                        .toString())
                .contains("#/components/schemas/ExecutedObsUnit");
        JsonNode schemas = docs.json().at("/components/schemas");
        assertThat(schemas.at("/ObsUnitStart/properties/obs_unit_id/maxLength").asInt())
                .isEqualTo(200);
        assertThat(schemas.at("/ExecutedObsUnitValues/properties/status/enum"))
                .extracting(JsonNode::asText)
                .containsExactly("running", "completed", "failed");
        assertThat(schemas.at("/SourceValues/properties/ra_deg/maximum").asInt())
                .isEqualTo(360);
        assertThat(schemas.at("/RawDataFileValues/properties/size_bytes/minimum")
                        .asInt())
                .isZero();
        assertThat(schemas.at("/TransactionRequest/properties/operations/maxItems")
                        .asInt())
                .isEqualTo(10_000);
        assertThat(schemas.at("/ExecutedObsUnit/properties/start_time/format").asText())
                .isEqualTo("date-time");
        List<String> references = new ArrayList<>();
        collectReferences(docs.json(), references);
        assertThat(references)
                .as("schemas referred to")
                .isNotEmpty()
                .allSatisfy(ref -> assertThat(schemas.has(ref.substring("#/components/schemas/".length())))
                        .as(ref)
                        .isTrue());
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.has("$ref")) {
            references.add(node.get("$ref").asText());
        }
        node.forEach(child -> collectReferences(child, references));
    }

    private String newPackage(String name) throws Exception {
        SiteHttp.Answer unit = observatory.post("/executed_obs_units/start", map("obs_unit_id", "uid://" + name));
        SiteHttp.Answer pkg =
                observatory.post("/raw_data_package", map("executed_obs_unit_id", unit.text("id"), "name", name));
        assertThat(pkg.status()).as(pkg.body()).isEqualTo(201);
        return pkg.text("id");
    }

    static long count(String sql, String id) throws Exception {
        try (Connection primary = TwoSiteStack.primary();
                PreparedStatement statement = primary.prepareStatement(sql)) {
            statement.setString(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
