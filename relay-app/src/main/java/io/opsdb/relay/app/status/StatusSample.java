package io.opsdb.relay.app.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One sample of this site's figures, as the status page plots them. */
@Schema(description = "One sample of this site's figures.")
record StatusSample(
        @Schema(description = "when it was taken") Instant at,

        @JsonProperty("in_flight") @Schema(description = "transactions acknowledged but not yet VISIBLE or FAILED")
        int inFlight,

        @JsonProperty("oldest_in_flight_age_seconds") @Schema(description = "age of the oldest of them, 0 when none")
        double oldestInFlightAgeSeconds,

        @JsonProperty("replica_lag_seconds")
        @Schema(description = "how far the replica is behind the primary; null when it could not be read")
        Double replicaLagSeconds,

        @JsonProperty("applied_per_second")
        @Schema(
                description = "transactions applied per second since the sample before (at the main site every"
                        + " site's commands its applier committed, at a secondary its own reported APPLIED); null"
                        + " for the first sample")
        Double appliedPerSecond) {}
