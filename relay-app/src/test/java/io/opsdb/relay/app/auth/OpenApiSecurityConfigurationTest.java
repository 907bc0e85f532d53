package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenApiSecurityConfigurationTest {

    private final Operation health = new Operation();
    private final Operation siteInfo = new Operation();
    private final Operation readUnit = new Operation();
    private final Operation startUnit = new Operation();
    private final Operation retry = new Operation();
    private final Operation issueToken = new Operation();
    private final OpenAPI api = new OpenAPI()
            .paths(new Paths()
                    .addPathItem("/health", new PathItem().get(health))
                    .addPathItem("/api/site/info", new PathItem().get(siteInfo))
                    .addPathItem("/executed_obs_units/{id}", new PathItem().get(readUnit))
                    .addPathItem("/executed_obs_units/start", new PathItem().post(startUnit))
                    .addPathItem("/api/transactions/{id}/retry", new PathItem().post(retry))
                    .addPathItem("/api/tokens", new PathItem().post(issueToken)));

    @Test
    void theDescriptionHasAnHttpBearerScheme() {
        OpenApiSecurityConfiguration.requireTokens(api);

        SecurityScheme scheme = api.getComponents().getSecuritySchemes().get(OpenApiSecurityConfiguration.SCHEME);
        assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(scheme.getScheme()).isEqualTo("bearer");
        assertThat(scheme.getDescription()).contains("ops_api_token_");
    }

    @Test
    void everyOperationThatNeedsATokenRequiresTheSchemeAndPublicOnesDoNot() {
        OpenApiSecurityConfiguration.requireTokens(api);

        List<SecurityRequirement> token =
                List.of(new SecurityRequirement().addList(OpenApiSecurityConfiguration.SCHEME));
        for (Operation operation : List.of(readUnit, startUnit, retry, issueToken)) {
            assertThat(operation.getSecurity()).isEqualTo(token);
        }
        assertThat(health.getSecurity()).isNull();
        assertThat(siteInfo.getSecurity()).isNull();
    }

    @Test
    void aDescriptionWithoutPathsGetsTheSchemeOnly() {
        OpenAPI empty = new OpenAPI();

        OpenApiSecurityConfiguration.requireTokens(empty);

        assertThat(empty.getComponents().getSecuritySchemes()).containsOnlyKeys(OpenApiSecurityConfiguration.SCHEME);
    }
}
