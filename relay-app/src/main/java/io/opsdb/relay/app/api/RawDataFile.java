package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;

/** A raw data file as this site reads it. */
@ColumnsOf(EntityType.RAW_DATA_FILE)
@Schema(description = "A raw data file.")
record RawDataFile(
        String id,
        @JsonProperty("raw_data_package_id") String rawDataPackageId,
        String path,
        @JsonProperty("size_bytes") Long sizeBytes,
        String checksum) {}
