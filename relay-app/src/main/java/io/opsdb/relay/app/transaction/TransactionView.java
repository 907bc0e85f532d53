package io.opsdb.relay.app.transaction;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.role.TransactionStatus;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * A transaction as {@code GET /api/transactions/{id}} shows it: the same fields at both site types, where they
 * apply; {@code site} only at the main site (which answers for every site's), {@code sequence} only at a secondary.
 */
@Schema(name = "TransactionStatus", description = "A transaction's status.")
public record TransactionView(
        @JsonProperty("transaction_id") String transactionId,

        @Schema(allowableValues = {"BUFFERED", "APPLIED", "VISIBLE", "FAILED", "DISCARDED"})
        String state,

        @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "main site: the site that accepted it")
        String site,

        @JsonInclude(JsonInclude.Include.NON_NULL)
        @Schema(description = "secondary: its offset in the site's buffer, the order it is applied in")
        Long sequence,

        int attempt,

        @JsonProperty("commit_lsn")
        @Schema(description = "end of its commit record at the primary, once a secondary has heard of it")
        String commitLsn,

        @Schema(description = "why the primary refused it, when FAILED or DISCARDED")
        String error,

        @JsonProperty("acknowledged_at") Instant acknowledgedAt,
        @JsonProperty("applied_at") Instant appliedAt,
        @JsonProperty("visible_at") Instant visibleAt,
        @JsonProperty("retried_by") String retriedBy,
        @JsonProperty("retried_at") Instant retriedAt,
        @JsonProperty("discarded_by") String discardedBy,
        @JsonProperty("discarded_at") Instant discardedAt) {

    static TransactionView of(TransactionStatus tx) {
        return new TransactionView(
                tx.transactionId(),
                tx.state().name(),
                tx.site(),
                tx.sequence(),
                tx.attempt(),
                tx.commitLsn() == null ? null : tx.commitLsn().asString(),
                tx.error(),
                tx.acknowledgedAt(),
                tx.appliedAt(),
                tx.visibleAt(),
                tx.retriedBy(),
                tx.retriedAt(),
                tx.discardedBy(),
                tx.discardedAt());
    }
}
