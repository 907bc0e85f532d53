package io.opsdb.relay.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.api.TransactionRequest.OperationRequest;
import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.record.OnCreate;
import io.opsdb.relay.app.record.RawDataFileValues;
import io.opsdb.relay.app.record.SourceValues;
import io.opsdb.relay.app.web.RequestProblem.FieldError;
import io.opsdb.relay.app.web.RequestValidation;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The requests' shape (Bean Validation): each problem named by the field as the body spells it, every one at once. */
class RequestShapeTest {

    private static final Validator SHAPES = RequestValidation.newValidator();
    private static final String TELESCOPE = "\uD83D\uDD2D"; // one character, two UTF-16 units

    @Test
    void aCreateNeedsItsRequiredFieldsAndAnUpdateDoesNot() {
        RawDataFileValues empty = new RawDataFileValues(null, null, null, null);
        assertThat(problems(empty, Default.class, OnCreate.class))
                .containsExactlyInAnyOrder(
                        new FieldError("raw_data_package_id", "is required"),
                        new FieldError("path", "is required"),
                        new FieldError("size_bytes", "is required"));
        assertThat(problems(empty, Default.class)).isEmpty();
    }

    @Test
    void textIsNotBlankAndAtMostItsLengthInCharacters() {
        assertThat(problems(unit(TELESCOPE.repeat(200), null))).isEmpty();
        assertThat(problems(unit(TELESCOPE.repeat(201), null)))
                .containsExactly(new FieldError("obs_unit_id", "must be at most 200 characters"));
        assertThat(problems(unit(" \t", null))).containsExactly(new FieldError("obs_unit_id", "must not be blank"));
        assertThat(problems(unit("\u2028\u2029", null)))
                .containsExactly(new FieldError("obs_unit_id", "must not be blank"));
        assertThat(problems(unit("u", "exploded")))
                .containsExactly(new FieldError("status", "must be one of completed, failed, running"));
    }

    @Test
    void numbersAreWithinTheirColumnsChecks() {
        assertThat(problems(new RawDataFileValues(null, null, -5L, null)))
                .containsExactly(new FieldError("size_bytes", "must not be less than 0"));
        assertThat(problems(new SourceValues(null, 360.0, -90.0)))
                .containsExactly(new FieldError("ra_deg", "must be from 0.0 to 360.0 (exclusive)"));
        assertThat(problems(new SourceValues(null, -Double.MIN_VALUE, Math.nextUp(90.0))))
                .containsExactlyInAnyOrder(
                        new FieldError("ra_deg", "must be from 0.0 to 360.0 (exclusive)"),
                        new FieldError("dec_deg", "must be from -90.0 to 90.0"));
        assertThat(problems(new SourceValues(null, -0.0, 90.0))).isEmpty();
    }

    @Test
    void aTransactionHasOneToTenThousandOperations() {
        assertThat(problems(new TransactionRequest(null)))
                .containsExactly(new FieldError("operations", "must be a non-empty array"));
        assertThat(problems(new TransactionRequest(List.of())))
                .containsExactly(new FieldError("operations", "must be a non-empty array"));
        List<OperationRequest> many = new ArrayList<>(Collections.nCopies(10_001, (OperationRequest) null));
        assertThat(problems(new TransactionRequest(many)))
                .containsExactly(new FieldError("operations", "must have at most 10000 operations"));
        assertThat(problems(new BulkFilesRequest(List.of())))
                .containsExactly(new FieldError("files", "must be a non-empty array of files"));
    }

    @Test
    void anOperationNamesAnOperationACriticalEntityAndALabel() {
        assertThat(problems(new OperationRequest(null, null, null, null, null)))
                .containsExactlyInAnyOrder(
                        new FieldError("op", "must be one of create, delete, update"),
                        new FieldError("entity", "must be one of executed_obs_unit, raw_data_file, raw_data_package"));
        assertThat(problems(new OperationRequest("upsert", "observing_program", "1st", null, null)))
                .containsExactlyInAnyOrder(
                        new FieldError("op", "must be one of create, delete, update"),
                        new FieldError("entity", "must be one of executed_obs_unit, raw_data_file, raw_data_package"),
                        new FieldError(
                                "ref", "must be a label of letters, digits, '-' or '_', starting with a letter"));
        assertThat(problems(new OperationRequest("create", "raw_data_file", "file-1_a", null, null)))
                .isEmpty();
    }

    private static ExecutedObsUnitValues unit(String obsUnitId, String status) {
        return new ExecutedObsUnitValues(obsUnitId, null, null, null, status, null, null, null);
    }

    private static List<FieldError> problems(Object request, Class<?>... groups) {
        return SHAPES.validate(request, groups).stream()
                .map(v -> new FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .toList();
    }
}
