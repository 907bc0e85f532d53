package io.opsdb.relay.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.web.ApiJson;
import io.opsdb.relay.app.web.RecordComponents;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Typed answers read as the maps they replace did: the same fields in the same order with the same values. */
class ResponseRecordsTest {

    private static final JsonMapper JSON =
            ApiJson.configure(JsonMapper.builder()).build();

    @Test
    void aUnitReadsAsItsRowWithInstantsAsISO8601() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d");
        row.put("obs_unit_id", "uid://A1");
        row.put("observing_program_id", null);
        row.put("source_id", null);
        row.put("site", "observatory");
        row.put("instrument", "camera");
        row.put("status", "running");
        row.put("start_time", "2026-01-01T00:00:00Z");
        row.put("end_time", "0001-01-01T00:00:00.000001Z");
        row.put("notes", null);
        assertThat(JSON.writeValueAsString(RecordComponents.construct(ExecutedObsUnit.class, row)))
                .isEqualTo(JSON.writeValueAsString(row));
    }

    @Test
    void aPackageReadsWithItsFilesAndNumbersAsTheyWere() {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("id", "0b7e5f6a-7b8c-4e8a-9d1b-7f2c1b4e3a4d");
        file.put("raw_data_package_id", "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d");
        file.put("path", "a.fits");
        file.put("size_bytes", Long.MAX_VALUE);
        file.put("checksum", null);
        Map<String, Object> pkg = new LinkedHashMap<>();
        pkg.put("id", "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d");
        pkg.put("executed_obs_unit_id", "5e1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d");
        pkg.put("name", "p");
        pkg.put("state", "building");
        Map<String, Object> typed = new LinkedHashMap<>(pkg);
        typed.put("files", List.of(RecordComponents.construct(RawDataFile.class, file)));
        pkg.put("files", List.of(file));
        assertThat(JSON.writeValueAsString(RecordComponents.construct(RawDataPackage.class, typed)))
                .isEqualTo(JSON.writeValueAsString(pkg));

        Map<String, Object> source = new LinkedHashMap<>();
        source.put("id", "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d");
        source.put("name", "NGC 253");
        source.put("ra_deg", -0.0);
        source.put("dec_deg", 4.9E-324);
        assertThat(JSON.writeValueAsString(RecordComponents.construct(Source.class, source)))
                .isEqualTo(JSON.writeValueAsString(source));
    }
}
