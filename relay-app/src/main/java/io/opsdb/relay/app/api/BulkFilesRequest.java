package io.opsdb.relay.app.api;

import io.opsdb.relay.app.record.RawDataFileValues;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /raw_data_files/bulk}: files created in one transaction, all or none. Each file is validated where it
 * is, with its index in the field's path ({@code files[3].size_bytes}).
 */
@Schema(description = "Files created in one transaction: all of them, or none.")
record BulkFilesRequest(
        @NotEmpty(message = "must be a non-empty array of files")
        @Size(max = RawDataController.MAX_BULK_FILES, message = "must have at most {max} files")
        List<RawDataFileValues> files) {}
