package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;

/** A source (reference data). */
@ColumnsOf(EntityType.SOURCE)
@Schema(description = "A source.")
record Source(
        String id,
        String name,
        @JsonProperty("ra_deg") Double raDeg,
        @JsonProperty("dec_deg") Double decDeg) {}
