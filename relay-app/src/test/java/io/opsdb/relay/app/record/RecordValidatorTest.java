package io.opsdb.relay.app.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.opsdb.relay.app.read.EntityReader;
import io.opsdb.relay.app.web.ApiJson;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.app.web.RequestValidation;
import io.opsdb.relay.schema.EntityType;
import jakarta.validation.Validator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The values the primary would refuse for their data are refused here, naming the field (I9). */
class RecordValidatorTest {

    private static final String UNIT = "6f1c2a43-8d0e-4b5a-9c7d-2e3f4a5b6c7d";
    private static final String TELESCOPE = "\uD83D\uDD2D"; // one character, two UTF-16 units

    private static final JsonMapper JSON =
            ApiJson.configure(JsonMapper.builder()).build();

    private final EntityReader reader = mock(EntityReader.class);
    private static final Validator SHAPES = RequestValidation.newValidator();
    private final RecordValidator validator = new RecordValidator(reader, SHAPES, JSON);

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "uid\u0000A1", "uid://A1\u0000"})
    void textWithNulIsRefusedAsPostgresCannotStoreIt(String text) {
        assertThat(createProblems(Map.of("obs_unit_id", text)))
                .containsExactly(new FieldError("obs_unit_id", "must not contain the NUL character (\\u0000)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\uD800", "x\uDBFFy", "\uDC00", "\uDD2D\uD83D"})
    void textWithALoneSurrogateIsRefusedRatherThanStoredAsQuestionMarks(String text) {
        assertThat(createProblems(Map.of("obs_unit_id", text)))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("must be valid Unicode"));
    }

    @Test
    void maximumLengthsCountCharactersSoFourByteCharactersFitToTheLimit() {
        assertThat(createProblems(Map.of("obs_unit_id", TELESCOPE.repeat(200)))).isEmpty();
        assertThat(createProblems(Map.of("obs_unit_id", TELESCOPE.repeat(201))))
                .containsExactly(new FieldError("obs_unit_id", "must be at most 200 characters"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0000-01-01T00:00:00Z",
                "-0001-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z",
                "0001-01-01T00:30:00+01:00",
                "9999-12-31T23:30:00-01:00",
                "+294276-12-31T23:59:59Z",
                "-999999999-01-01T00:00:00Z"
            })
    void instantsOutsideYearsOneTo9999AreRefused(String instant) {
        assertThat(createProblems(Map.of("obs_unit_id", "u", "start_time", instant)))
                .singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("start_time"))
                .satisfies(e -> assertThat(e.message()).contains("years 1 to 9999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.9999999Z"})
    void theFirstAndLastStorableInstantsAreAccepted(String instant) {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> values =
                validator.forCreate(unit(Map.of("obs_unit_id", "u", "start_time", instant)), "", session);
        assertThat(session.problems()).isEmpty();
        assertThat((String) values.get("start_time")).startsWith(instant.substring(0, 4));
    }

    @Test
    void anEndBeforeTheStartOfTheSameCreateIsRefused() {
        assertThat(createProblems(Map.of(
                        "obs_unit_id", "u", "start_time", "2026-01-02T00:00:00Z", "end_time", "2026-01-01T00:00:00Z")))
                .containsExactly(new FieldError("end_time", "must not be before start_time 2026-01-02T00:00:00Z"));
    }

    @Test
    void anEndBeforeTheDefaultStartOfNowIsRefused() {
        assertThat(createProblems(Map.of("obs_unit_id", "u", "end_time", "2000-01-01T00:00:00Z")))
                .singleElement()
                .satisfies(e -> assertThat(e.field()).isEqualTo("end_time"));
    }

    @Test
    void anUpdateEndingBeforeTheStoredStartIsRefused() {
        when(reader.find(EntityType.EXECUTED_OBS_UNIT, UNIT))
                .thenReturn(Optional.of(Map.of("start_time", "2026-01-01T00:00:00Z")));
        RecordValidator.Session session = new RecordValidator.Session();
        update(UNIT, Map.of("end_time", "2025-12-31T23:59:59Z"), "op.", session);
        assertThat(session.problems())
                .containsExactly(new FieldError("op.end_time", "must not be before start_time 2026-01-01T00:00:00Z"));
    }

    @Test
    void anEarlierUpdateOfOtherColumnsInTheTransactionDoesNotHideTheStoredStart() {
        when(reader.find(EntityType.EXECUTED_OBS_UNIT, UNIT))
                .thenReturn(Optional.of(Map.of("start_time", "2026-01-01T00:00:00Z")));
        RecordValidator.Session session = new RecordValidator.Session();
        update(UNIT, Map.of("notes", "n"), "op0.", session);
        update(UNIT, Map.of("end_time", "2025-12-31T23:59:59Z"), "op1.", session);
        assertThat(session.problems())
                .containsExactly(new FieldError("op1.end_time", "must not be before start_time 2026-01-01T00:00:00Z"));
    }

    @Test
    void anUpdateMovingTheStartPastAnEndSetEarlierInTheTransactionIsRefused() {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> created = validator.forCreate(
                unit(Map.of(
                        "obs_unit_id", "u", "start_time", "2026-01-01T00:00:00Z", "end_time", "2026-01-02T00:00:00Z")),
                "",
                session);
        session.created("unit", EntityType.EXECUTED_OBS_UNIT, UNIT, created);
        update(UNIT, Map.of("start_time", "2026-01-03T00:00:00Z"), "op.", session);
        assertThat(session.problems())
                .containsExactly(new FieldError("op.start_time", "must not be after end_time 2026-01-02T00:00:00Z"));
    }

    @Test
    void anUpdateMayNotEmptyAColumnThePrimaryHoldsNotNull() {
        when(reader.find(EntityType.EXECUTED_OBS_UNIT, UNIT))
                .thenReturn(Optional.of(Map.of("start_time", "2026-01-01T00:00:00Z")));
        Map<String, Object> body = new HashMap<>();
        body.put("start_time", null);
        body.put("status", null);
        body.put("notes", null);
        RecordValidator.Session session = new RecordValidator.Session();
        update(UNIT, body, "", session);
        assertThat(session.problems())
                .containsExactlyInAnyOrder(
                        new FieldError("start_time", "must not be null"), new FieldError("status", "must not be null"));
    }

    @Test
    void anUpdateLeavesTheFieldsItDoesNotSendAndEmptiesTheOnesItSendsAsNull() {
        Map<String, Object> body = new HashMap<>();
        body.put("notes", null);
        body.put("instrument", "camera");
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> changed = update(UNIT, body, "", session);
        assertThat(session.problems()).isEmpty();
        assertThat(changed)
                .containsOnlyKeys("instrument", "notes")
                .containsEntry("instrument", "camera")
                .containsEntry("notes", null);
    }

    @Test
    void anUpdateThatSendsNothingIsRefusedNamingItsValues() {
        RecordValidator.Session session = new RecordValidator.Session();
        update(UNIT, Map.of(), "operations[3].values.", session);
        assertThat(session.problems()).containsExactly(new FieldError("operations[3].values", "sets no field"));
    }

    @Test
    void aCreateFillsInTheColumnsTheClientLeftOutAndNamesEveryProblemAtOnce() {
        RecordValidator.Session session = new RecordValidator.Session();
        Map<String, Object> created = validator.forCreate(unit(Map.of("obs_unit_id", "u")), "", session);
        assertThat(session.problems()).isEmpty();
        assertThat(created)
                .containsEntry("status", "running")
                .containsEntry("end_time", null)
                .doesNotContainKey("site");
        assertThat((String) created.get("start_time")).endsWith("Z");

        when(reader.find(EntityType.OBSERVING_PROGRAM, UNIT)).thenReturn(Optional.empty());
        assertThat(createProblems(Map.of(
                        "instrument",
                        " ",
                        "status",
                        "exploded",
                        "observing_program_id",
                        UNIT,
                        "source_id",
                        "$nothing",
                        "notes",
                        "a\u0000b")))
                .containsExactly(
                        new FieldError("obs_unit_id", "is required"),
                        new FieldError("observing_program_id", "no observing_program " + UNIT),
                        new FieldError(
                                "source_id",
                                "refers to $nothing, which no earlier operation of this transaction created"),
                        new FieldError("instrument", "must not be blank"),
                        new FieldError("status", "must be one of completed, failed, running"),
                        new FieldError("notes", "must not contain the NUL character (\\u0000)"));
    }

    @Test
    void doublesThePrimaryStoresAsSentAreAccepted() {
        for (double ra : List.of(-0.0, Double.MIN_VALUE, 2.2250738585072014E-308 / 3, Math.nextDown(360.0))) {
            RecordValidator.Session session = new RecordValidator.Session();
            SourceValues source = new SourceValues("s", ra, null);
            assertThat(validator.forCreate(source, "", session)).containsEntry("ra_deg", ra);
            assertThat(session.problems()).as("ra_deg " + ra).isEmpty();
        }
    }

    private List<FieldError> createProblems(Map<String, Object> body) {
        RecordValidator.Session session = new RecordValidator.Session();
        validator.forCreate(unit(body), "", session);
        return session.problems();
    }

    private Map<String, Object> update(
            String id, Map<String, Object> body, String path, RecordValidator.Session session) {
        return validator.forUpdate(unit(body), Set.copyOf(body.keySet()), id, path, session);
    }

    /** The fields as the API binds them from a request's JSON. */
    private static ExecutedObsUnitValues unit(Map<String, Object> body) {
        return JSON.convertValue(body, ExecutedObsUnitValues.class);
    }
}
