package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** A raw data package as this site reads it, with its files in path order. */
@ColumnsOf(EntityType.RAW_DATA_PACKAGE)
@Schema(description = "A raw data package with its files.")
record RawDataPackage(
        String id,
        @JsonProperty("executed_obs_unit_id") String executedObsUnitId,
        String name,

        @Schema(allowableValues = {"building", "complete", "transferring", "archived", "failed"})
        String state,

        @Schema(description = "not a column: the package's files, in path order")
        List<RawDataFile> files) {}
