package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** The answer to a bulk of files: their transaction and their ids, in the order they were sent. */
@Schema(description = "The files' transaction and their ids, in the order they were sent.")
record BulkAccepted(
        @JsonProperty("transaction_id") String transactionId,

        @Schema(allowableValues = {"BUFFERED", "APPLIED", "VISIBLE"})
        String state,

        List<String> ids) {}
