package io.opsdb.relay.app.api;

import io.opsdb.relay.app.record.EntityRecords;
import io.swagger.v3.oas.models.media.Schema;
import java.util.List;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The requests that carry some of an entity's fields ({@link ObsUnitStart}, {@link FinishRequest},
 * {@link FinalizeRequest}) are validated field by field with the rules of the entity's values record; their
 * description says so too, each property with the constraints the entity's schema gives it (unless the request
 * narrows them, as a finish's status).
 */
@Configuration(proxyBeanMethods = false)
class PartialRequestDescriptions {

    private static final List<Class<? extends Record>> PARTIAL =
            List.of(ObsUnitStart.class, FinishRequest.class, FinalizeRequest.class);

    @Bean
    OpenApiCustomizer fieldsWithTheirEntitysRules() {
        return openApi -> {
            @SuppressWarnings("rawtypes")
            Map<String, Schema> schemas = openApi.getComponents().getSchemas();
            for (Class<? extends Record> request : PARTIAL) {
                Schema<?> partial = schemas.get(request.getSimpleName());
                Schema<?> whole = schemas.get(
                        EntityRecords.valuesOf(EntityRecords.tableOf(request).entity())
                                .getSimpleName());
                if (partial == null
                        || whole == null
                        || partial.getProperties() == null
                        || whole.getProperties() == null) {
                    continue;
                }
                partial.getProperties().forEach((name, property) -> {
                    Schema<?> rules = whole.getProperties().get(name);
                    if (rules != null) {
                        withRules(property, rules);
                    }
                });
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void withRules(Schema property, Schema rules) {
        if (property.getEnum() == null && rules.getEnum() != null) {
            property.setEnum(rules.getEnum());
        }
        if (property.getDescription() == null) {
            property.setDescription(rules.getDescription());
        }
        property.setMinLength(rules.getMinLength());
        property.setMaxLength(rules.getMaxLength());
        property.setMinimum(rules.getMinimum());
        property.setMaximum(rules.getMaximum());
        property.setExclusiveMaximum(rules.getExclusiveMaximum());
    }
}
