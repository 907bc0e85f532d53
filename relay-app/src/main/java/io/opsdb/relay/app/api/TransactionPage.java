package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.transaction.TransactionView;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One page of the transactions in a state, in transaction id order. */
@Schema(description = "One page of the transactions in a state, in transaction id order.")
record TransactionPage(
        String state,
        List<TransactionView> transactions,

        @JsonProperty("next_cursor") @Schema(description = "the last id of a full page, to ask for the next; else null")
        String nextCursor) {}
