package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** An executed observation unit as this site reads it: its database with what is in flight on top. */
@ColumnsOf(EntityType.EXECUTED_OBS_UNIT)
@Schema(description = "An executed observation unit.")
record ExecutedObsUnit(
        String id,
        @JsonProperty("obs_unit_id") String obsUnitId,
        @JsonProperty("observing_program_id") String observingProgramId,
        @JsonProperty("source_id") String sourceId,

        @Schema(description = "the site that accepted its start")
        String site,

        String instrument,

        @Schema(allowableValues = {"running", "completed", "failed"})
        String status,

        @JsonProperty("start_time") Instant startTime,
        @JsonProperty("end_time") Instant endTime,
        String notes) {}
