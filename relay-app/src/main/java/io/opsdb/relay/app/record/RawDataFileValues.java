package io.opsdb.relay.app.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** A raw data file's fields as a client writes them: on a create, or the ones an update changes. */
@ColumnsOf(EntityType.RAW_DATA_FILE)
@Schema(description = "A raw data file's fields.")
public record RawDataFileValues(
        @JsonProperty("raw_data_package_id")
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED)
        @Schema(description = RecordValidator.REFERENCE_DESCRIPTION)
        String rawDataPackageId,

        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED) @Text(maxLength = 1024)
        String path,

        @JsonProperty("size_bytes")
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED)
        @Min(value = 0, message = "must not be less than {value}")
        Long sizeBytes,

        @Text(maxLength = 128) String checksum) {}
