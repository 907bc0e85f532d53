package io.opsdb.relay.app.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code PUT /executed_obs_units/{id}/finish}: how a running unit ended; every field may be left out. */
@ColumnsOf(EntityType.EXECUTED_OBS_UNIT)
@Schema(description = "How a running unit ended.")
record FinishRequest(
        @OneOf({"completed", "failed"}) @Schema(description = "completed when left out")
        String status,
        @JsonProperty("end_time") @Schema(description = "the time of the request when left out; not before start_time")
        Instant endTime,
        @Text(maxLength = 4000)
        String notes) {

    /** What a finish without a body means. */
    static final FinishRequest NONE = new FinishRequest(null, null, null);
    /** The status of a unit whose finish does not name one. */
    static final String DEFAULT_STATUS = "completed";
}
