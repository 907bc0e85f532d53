package io.opsdb.relay.app.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** An executed observation unit's fields as a client writes them: on a create, or the ones an update changes. */
@ColumnsOf(EntityType.EXECUTED_OBS_UNIT)
@Schema(description = "An executed observation unit's fields; the site that accepts the create sets its site.")
public record ExecutedObsUnitValues(
        @JsonProperty("obs_unit_id")
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED)
        @Text(maxLength = 200)
        String obsUnitId,

        @JsonProperty("observing_program_id") @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String observingProgramId,

        @JsonProperty("source_id") @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String sourceId,

        @Text(maxLength = 100) String instrument,

        @OneOf({"running", "completed", "failed"}) @Schema(description = "running when a create leaves it out")
        String status,

        @JsonProperty("start_time") @Schema(description = "the time of the request when a create leaves it out")
        Instant startTime,

        @JsonProperty("end_time") @Schema(description = "not before start_time")
        Instant endTime,

        @Text(maxLength = 4000) String notes) {}
