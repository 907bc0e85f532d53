package io.opsdb.relay.app.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** What {@code GET /api/status/history} answers: the samples of the last hour, oldest first. */
@Schema(description = "This site's figures over the last hour, one sample per interval, oldest first.")
record StatusHistoryView(
        @JsonProperty("interval_seconds") @Schema(description = "seconds between two samples")
        long intervalSeconds,

        List<StatusSample> samples) {}
