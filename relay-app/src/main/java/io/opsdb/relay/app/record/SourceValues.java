package io.opsdb.relay.app.record;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.opsdb.relay.app.web.ColumnsOf;
import io.opsdb.relay.app.web.Text;
import io.opsdb.relay.schema.EntityType;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;

/** A source's fields as a client writes them (reference data, written at the main site). */
@ColumnsOf(EntityType.SOURCE)
@Schema(description = "A source's fields.")
public record SourceValues(
        @NotNull(groups = OnCreate.class, message = OnCreate.REQUIRED) @Text(maxLength = 200)
        String name,

        @JsonProperty("ra_deg")
        @DecimalMin(value = "0", message = RA)
        @DecimalMax(value = "360", inclusive = false, message = RA)
        Double raDeg,

        @JsonProperty("dec_deg") @DecimalMin(value = "-90", message = DEC) @DecimalMax(value = "90", message = DEC)
        Double decDeg) {

    private static final String RA = "must be from 0.0 to 360.0 (exclusive)";
    private static final String DEC = "must be from -90.0 to 90.0";
}
