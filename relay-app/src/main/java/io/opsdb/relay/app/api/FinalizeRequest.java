package io.opsdb.relay.app.api;

import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.OneOf;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;

/** {@code PUT /raw_data_package/{id}/finalize}: the state a building package ends in. */
@ColumnsOf(EntityType.RAW_DATA_PACKAGE)
@Schema(description = "The state a building package ends in.")
record FinalizeRequest(
        @OneOf({"complete", "transferring", "archived", "failed"}) @Schema(description = "complete when left out")
        String state) {

    /** What a finalize without a body means. */
    static final FinalizeRequest NONE = new FinalizeRequest(null);
    /** The state of a package whose finalize does not name one. */
    static final String DEFAULT_STATE = "complete";
}
