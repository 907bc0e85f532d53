package io.opsdb.relay.app.api;

import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.record.RawDataFileValues;
import io.opsdb.relay.app.record.RawDataPackageValues;
import io.opsdb.relay.app.web.OneOf;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/transactions}: operations applied atomically, in order. */
@Schema(description = "Operations applied atomically, in order.")
record TransactionRequest(
        @NotEmpty(message = "must be a non-empty array")
        @Size(max = AtomicTransactionController.MAX_OPERATIONS, message = "must have at most {max} operations")
        List<OperationRequest> operations) {

    /**
     * One operation. Its {@code values} are the entity's fields ({@link ExecutedObsUnitValues},
     * {@link RawDataPackageValues}, {@link RawDataFileValues}): all of them for a create, the ones it changes for an
     * update ({@code null} empties a field), none for a delete. They are bound once the entity is known.
     */
    @Schema(name = "TransactionOperation", description = "One operation of a transaction.")
    record OperationRequest(
            @OneOf(
                    value = {"create", "update", "delete"},
                    required = true)
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED)
            String op,

            @OneOf(
                    value = {"executed_obs_unit", "raw_data_package", "raw_data_file"},
                    required = true)
            @Schema(
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    description = "critical records only; reference data is written on its own")
            String entity,

            @Pattern(
                    regexp = "[A-Za-z][A-Za-z0-9_-]{0,63}",
                    message = "must be a label of letters, digits, '-' or '_', starting with a letter")
            @Schema(description = "a create's label: later operations refer to its record as \"$label\"")
            String ref,

            @Schema(
                    description =
                            "the record an update or delete is about: its UUID or \"$label\"; a create's id is the"
                                    + " server's")
            String id,

            @Schema(implementation = Values.class) JsonNode values) {}

    /** How the description shows an operation's values; they bind to the entity's record once the entity is known. */
    @Schema(
            name = "TransactionOperationValues",
            description = "The entity's fields: all of them for a create, the ones it"
                    + " changes for an update (null empties a field), none for a delete.",
            oneOf = {ExecutedObsUnitValues.class, RawDataPackageValues.class, RawDataFileValues.class})
    interface Values {}
}
