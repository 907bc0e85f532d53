package io.opsdb.relay.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.record.RecordWrites;
import io.opsdb.relay.role.WriteResult;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import org.springframework.http.ResponseEntity;

/** The answer to a write of one record: its transaction and the record's id. */
@Schema(description = "A write's transaction and the id of the record it writes.")
record WriteAccepted(
        @JsonProperty("transaction_id") String transactionId,
        String id,

        @Schema(
                description = "BUFFERED at a secondary's buffer, VISIBLE when written straight to the primary",
                allowableValues = {"BUFFERED", "APPLIED", "VISIBLE"})
        String state) {

    static WriteAccepted of(WriteResult result, String id) {
        return new WriteAccepted(result.transactionId(), id, result.state().name());
    }

    /** Validates and writes a new record of {@code values}: 201, located at {@code collection} + its id. */
    static ResponseEntity<WriteAccepted> created(RecordWrites writes, Record values, String collection) {
        String id = RecordWrites.newId();
        WriteResult result = writes.create(values, id);
        return ResponseEntity.created(URI.create(collection + id)).body(of(result, id));
    }
}
