package io.opsdb.relay.app.web;

import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.models.media.Schema;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springdoc.core.customizers.PropertyCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The OpenAPI description springdoc derives from the controllers and their request and response records: served at
 * springdoc's path ({@code /v3/api-docs}) and, for clients generated against the old service, at
 * {@code /openapi.json}; the project's own constraints ({@link Text}, {@link OneOf}) become the schema's
 * {@code maxLength} and {@code enum}, as Bean Validation's own already do, and a field a create requires says so.
 */
@Controller
class ApiDescription {

    private final String apiDocsPath;

    ApiDescription(@Value("${springdoc.api-docs.path:/v3/api-docs}") String apiDocsPath) {
        this.apiDocsPath = apiDocsPath;
    }

    /** The same document as {@code /v3/api-docs}, by a forward within the application. */
    @Hidden
    @GetMapping("/openapi.json")
    String openApiJson() {
        return "forward:" + apiDocsPath;
    }

    @Bean
    static PropertyCustomizer projectConstraints() {
        return (property, type) -> {
            if (type.getCtxAnnotations() == null) {
                return property;
            }
            for (Annotation annotation : type.getCtxAnnotations()) {
                if (annotation instanceof Text text) {
                    property.setMinLength(1);
                    property.setMaxLength(text.maxLength());
                } else if (annotation instanceof OneOf oneOf) {
                    setEnum(property, Arrays.asList(oneOf.value()));
                } else if (annotation instanceof NotEmpty) {
                    property.setMinItems(1);
                } else if (annotation instanceof NotNull notNull && notNull.groups().length > 0) {
                    // Required in a group (on create), so not in the schema's required list, which is for every use.
                    String said = property.getDescription() == null ? "" : property.getDescription() + "; ";
                    property.setDescription(said + "required when the record is created");
                }
            }
            return property;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setEnum(Schema property, List<String> values) {
        property.setEnum(new ArrayList<>(values));
    }
}
