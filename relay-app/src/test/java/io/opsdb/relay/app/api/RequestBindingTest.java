package io.opsdb.relay.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.record.RawDataFileValues;
import io.opsdb.relay.app.record.SourceValues;
import io.opsdb.relay.app.web.ApiJson;
import io.opsdb.relay.app.web.JsonBindingProblems;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * A body binds to its record only with values of the field's JSON type; one that does not is refused naming the field
 * as the body spells it, with the message the API has always given for it.
 */
class RequestBindingTest {

    private static final JsonMapper JSON =
            ApiJson.configure(JsonMapper.builder()).build();

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"obs_unit_id\": 42}|obs_unit_id|must be a string",
                "{\"obs_unit_id\": true}|obs_unit_id|must be a string",
                "{\"obs_unit_id\": [\"u\"]}|obs_unit_id|must be a string",
                "{\"observing_program_id\": 7}|observing_program_id|must be a UUID string",
                "{\"status\": 5}|status|must be one of completed, failed, running",
                "{\"start_time\": 12}|start_time|must be an ISO-8601 instant such as 2026-01-31T22:15:00Z",
                "{\"start_time\": \"yesterday\"}|start_time|must be an ISO-8601 instant such as 2026-01-31T22:15:00Z",
                "{\"start_time\": \"2026-01-01T00:00:00\"}|start_time|must be an ISO-8601 instant such as 2026-01-31T22:15:00Z",
                "{\"colour\": \"red\"}|colour|unknown field; allowed: end_time, instrument, notes, obs_unit_id, "
                        + "observing_program_id, source_id, start_time, status"
            })
    void aUnitsFieldOfTheWrongTypeIsNamedWithWhatItMustBe(String body, String field, String message) {
        assertThat(problem(body, ExecutedObsUnitValues.class)).contains(new FieldError(field, message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"size_bytes\": \"big\"}",
                "{\"size_bytes\": \"12\"}",
                "{\"size_bytes\": 1.5}",
                "{\"size_bytes\": 1.0}",
                "{\"size_bytes\": 1e3}",
                "{\"size_bytes\": 9223372036854775808}",
                "{\"size_bytes\": true}"
            })
    void aSizeThatIsNotAWholeNumberIsRefused(String body) {
        assertThat(problem(body, RawDataFileValues.class))
                .contains(new FieldError("size_bytes", "must be a whole number"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"{\"ra_deg\": 1e400}", "{\"ra_deg\": -1e400}", "{\"ra_deg\": \"1\"}", "{\"ra_deg\": false}"})
    void aCoordinateThatIsNotAFiniteNumberIsRefused(String body) {
        assertThat(problem(body, SourceValues.class)).contains(new FieldError("ra_deg", "must be a number"));
    }

    @Test
    void valuesOfTheirTypeBindAsSentAtTheDatabasesPrecision() {
        ExecutedObsUnitValues unit = JSON.readValue(
                "{\"obs_unit_id\": \"u\", \"start_time\": \"2026-01-01T00:30:00.1234567+01:00\"}",
                ExecutedObsUnitValues.class);
        assertThat(unit.startTime()).hasToString("2025-12-31T23:30:00.123456Z");
        assertThat(JSON.readValue("{\"size_bytes\": -0}", RawDataFileValues.class)
                        .sizeBytes())
                .isZero();
        assertThat(JSON.readValue("{\"size_bytes\": 9223372036854775807}", RawDataFileValues.class)
                        .sizeBytes())
                .isEqualTo(Long.MAX_VALUE);
        assertThat(JSON.readValue("{\"ra_deg\": -0.0, \"dec_deg\": 45}", SourceValues.class))
                .isEqualTo(new SourceValues(null, -0.0, 45.0));
        assertThat(JSON.readValue("{\"ra_deg\": 4.9E-324}", SourceValues.class).raDeg())
                .isEqualTo(Double.MIN_VALUE);
    }

    @Test
    void aFieldInsideAListIsNamedByItsPlace() {
        String body = "{\"files\": [{\"raw_data_package_id\": \"x\", \"path\": \"a\", \"size_bytes\": 1},"
                + " {\"raw_data_package_id\": \"x\", \"path\": \"b\", \"size_bytes\": \"one\"}]}";
        assertThat(problem(body, BulkFilesRequest.class))
                .contains(new FieldError("files[1].size_bytes", "must be a whole number"));
        assertThat(problem("{\"files\": [1]}", BulkFilesRequest.class))
                .contains(new FieldError("files[0]", "must be a JSON object"));
        assertThat(problem("{\"files\": \"all\"}", BulkFilesRequest.class))
                .contains(new FieldError("files", "must be a non-empty array of files"));
        assertThat(problem("{\"operations\": [{\"op\": 1}]}", TransactionRequest.class))
                .contains(new FieldError("operations[0].op", "must be one of create, delete, update"));
        assertThat(problem("{\"operations\": [{\"ref\": 1}]}", TransactionRequest.class))
                .contains(new FieldError(
                        "operations[0].ref", "must be a label of letters, digits, '-' or '_', starting with a letter"));
    }

    @Test
    void aBodyThatIsNoObjectOrNoJsonNamesNoField() {
        assertThat(problem("[1, 2, 3]", ExecutedObsUnitValues.class)).isEmpty();
        assertThat(problem("{\"obs_unit_id\": ", ExecutedObsUnitValues.class)).isEmpty();
    }

    @Test
    void anOperationTellsValuesThatAreNullFromValuesLeftOut() {
        assertThat(JSON.readValue(
                                "{\"operations\": [{\"op\": \"delete\", \"values\": null}]}", TransactionRequest.class)
                        .operations()
                        .get(0)
                        .values())
                .isEqualTo(NullNode.getInstance());
        assertThat(JSON.readValue("{\"operations\": [{\"op\": \"delete\"}]}", TransactionRequest.class)
                        .operations()
                        .get(0)
                        .values())
                .isNull();
    }

    private static Optional<FieldError> problem(String body, Class<?> type) {
        try {
            JSON.readValue(body, type);
        } catch (JacksonException e) {
            return JsonBindingProblems.of(e, "");
        }
        throw new AssertionError(body + " bound to " + type.getSimpleName());
    }
}
