package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;

/** An observing program (reference data). */
@ColumnsOf(EntityType.OBSERVING_PROGRAM)
@Schema(description = "An observing program.")
record ObservingProgram(
        String id,
        String code,
        String title,
        @JsonProperty("pi_name") String piName) {}
