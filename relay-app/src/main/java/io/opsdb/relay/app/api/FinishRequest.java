package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.record.ExecutedObsUnitValues;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * {@code PUT /executed_obs_units/{id}/finish}: how a running unit ended; every field may be left out. Each field
 * follows the rules {@link ExecutedObsUnitValues} gives it; a finish narrows the status to a final one.
 */
@ColumnsOf(EntityType.EXECUTED_OBS_UNIT)
@Schema(description = "How a running unit ended.")
record FinishRequest(
        @OneOf({"completed", "failed"}) @Schema(description = "completed when left out")
        String status,

        @JsonProperty("end_time") @Schema(description = "the time of the request when left out; not before start_time")
        Instant endTime,

        String notes) {

    /** What a finish without a body means. */
    static final FinishRequest NONE = new FinishRequest(null, null, null);
    /** The status of a unit whose finish does not name one. */
    static final String DEFAULT_STATUS = "completed";
}
