package io.opsdb.relay.app.auth;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The API description's security: a bearer scheme, required by every operation that {@link AccessPolicy} does
 * not make public, so that "Try it out" at {@code /docs} sends the token given under "Authorize".
 */
@Configuration(proxyBeanMethods = false)
class OpenApiSecurityConfiguration {

    /** The scheme's name in {@code components.securitySchemes}. */
    static final String SCHEME = "apiToken";

    @Bean
    GlobalOpenApiCustomizer bearerTokenSecurity() {
        return OpenApiSecurityConfiguration::requireTokens;
    }

    static void requireTokens(OpenAPI api) {
        if (api.getComponents() == null) {
            api.setComponents(new Components());
        }
        api.getComponents()
                .addSecuritySchemes(
                        SCHEME,
                        new SecurityScheme()
                                .type(SecurityScheme.Type.HTTP)
                                .scheme("bearer")
                                .description(
                                        "An API token (" + ApiTokens.PREFIX + "...), issued by POST /api/tokens or the"
                                                + " create-token command; its role decides what it allows."));
        if (api.getPaths() == null) {
            return;
        }
        // Path templates such as /executed_obs_units/{id} match AccessPolicy's rules as the paths they stand for.
        api.getPaths()
                .forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
                    if (AccessPolicy.required(method.name(), path) != Permission.PUBLIC) {
                        operation.addSecurityItem(new SecurityRequirement().addList(SCHEME));
                    }
                }));
    }
}
