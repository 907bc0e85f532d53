package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.record.RecordValidator;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * {@code POST /executed_obs_units/start}: a unit that starts running; a start sets no status and no end. Each field
 * follows the rules {@link ExecutedObsUnitValues} gives it.
 */
@ColumnsOf(EntityType.EXECUTED_OBS_UNIT)
@Schema(description = "A unit to start: it is running from start_time.")
record ObsUnitStart(
        @JsonProperty("obs_unit_id") String obsUnitId,

        @JsonProperty("observing_program_id") @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String observingProgramId,

        @JsonProperty("source_id") @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String sourceId,

        String instrument,

        @JsonProperty("start_time") @Schema(description = "the time of the request when left out")
        Instant startTime,

        String notes) {}
