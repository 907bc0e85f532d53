package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/** The answer to {@code POST /api/transactions}: every pre-generated id. */
@Schema(description = "The transaction, the id of each labelled create, and each operation with its record's id.")
record TransactionAccepted(
        @JsonProperty("transaction_id") String transactionId,

        @Schema(allowableValues = {"BUFFERED", "APPLIED", "VISIBLE"})
        String state,

        @Schema(description = "the id of the record each ref labels")
        Map<String, String> ids,

        List<AcceptedOperation> operations) {

    /** One operation as it will be applied. */
    @Schema(name = "TransactionOperationAccepted")
    record AcceptedOperation(String op, String entity, String id) {}
}
