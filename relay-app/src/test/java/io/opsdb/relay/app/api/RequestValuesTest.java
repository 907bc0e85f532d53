package io.opsdb.relay.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.web.ApiJson;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.app.web.RequestValidation;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What the endpoints' own requests become: the columns a command carries, as the entity's values would. */
class RequestValuesTest {

    private static final JsonMapper JSON =
            ApiJson.configure(JsonMapper.builder()).build();
    private final RecordValidator validator =
            new RecordValidator(mock(EntityReader.class), RequestValidation.newValidator(), JSON);

    @Test
    void aStartIsACreateOfARunningUnitWithoutAnEnd() {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> columns = validator.forCreate(
                new ObsUnitStart("uid://A1", null, null, "camera", Instant.parse("2026-01-01T00:00:00Z"), null),
                "",
                session);
        assertThat(session.problems()).isEmpty();
        assertThat(columns)
                .containsExactly(
                        Map.entry("obs_unit_id", "uid://A1"),
                        entry("observing_program_id"),
                        entry("source_id"),
                        Map.entry("instrument", "camera"),
                        Map.entry("status", "running"),
                        Map.entry("start_time", "2026-01-01T00:00:00Z"),
                        entry("end_time"),
                        entry("notes"));
    }

    @Test
    void aStartsFieldsHaveTheRulesOfTheUnitsFields() {
        RecordValidator.Session session = new RecordValidator.Session();
        validator.forCreate(new ObsUnitStart(null, "12345", null, "x".repeat(101), null, " "), "", session);
        assertThat(session.problems())
                .containsExactly(
                        new FieldError("obs_unit_id", "is required"),
                        new FieldError("observing_program_id", "must be a UUID or a $label of an earlier operation"),
                        new FieldError("instrument", "must be at most 100 characters"),
                        new FieldError("notes", "must not be blank"));
    }

    @Test
    void aFinishChecksTheFieldsItSends() {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> sent = validator.forChange(
                new FinishRequest("running", Instant.parse("+10000-01-01T00:00:00Z"), "fine\u0000"), "", session);
        assertThat(sent).isEmpty();
        assertThat(session.problems())
                .containsExactly(
                        new FieldError("status", "must be one of completed, failed"),
                        new FieldError(
                                "end_time",
                                "must be from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z (years 1 to 9999, in UTC)"),
                        new FieldError("notes", "must not contain the NUL character (\\u0000)"));
        assertThat(validator.forChange(FinishRequest.NONE, "", new RecordValidator.Session()))
                .isEmpty();
    }

    @Test
    void aFinalizeNamesAFinalState() {
        RecordValidator.Session session = new RecordValidator.Session();
        validator.forChange(new FinalizeRequest("building"), "", session);
        assertThat(session.problems())
                .containsExactly(new FieldError("state", "must be one of archived, complete, failed, transferring"));
    }

    private static Map.Entry<String, Object> entry(String name) {
        return new AbstractMap.SimpleEntry<>(name, null);
    }
}
