package io.opsdb.relay.app.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** A raw data package's fields as a client writes them: on a create, or the ones an update changes. */
@ColumnsOf(EntityType.RAW_DATA_PACKAGE)
@Schema(description = "A raw data package's fields.")
public record RawDataPackageValues(
        @JsonProperty("executed_obs_unit_id")
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED)
        @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String executedObsUnitId,

        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED) @Text(maxLength = 200)
        String name,

        @OneOf({"building", "complete", "transferring", "archived", "failed"})
        @Schema(description = "building when a create leaves it out")
        String state) {}
