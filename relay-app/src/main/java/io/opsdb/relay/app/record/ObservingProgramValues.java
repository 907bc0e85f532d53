package io.opsdb.relay.app.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** An observing program's fields as a client writes them (reference data, written at the main site). */
@ColumnsOf(EntityType.OBSERVING_PROGRAM)
@Schema(description = "An observing program's fields.")
public record ObservingProgramValues(
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED) @Text(maxLength = 64)
        String code,

        @Text(maxLength = 500) String title,
        @JsonProperty("pi_name") @Text(maxLength = 200) String piName) {}
