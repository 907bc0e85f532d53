package io.opsdb.relay.app.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {

    @ParameterizedTest
    @CsvSource({
        "GET, /health",
        "GET, /actuator/health",
        "GET, /actuator/health/liveness",
        "GET, /actuator/prometheus",
        "GET, /api/site/info",
        "HEAD, /health",
        "GET, /docs",
        "GET, /docs/index.html",
        "GET, /v3/api-docs",
        "GET, /v3/api-docs/swagger-config",
        "GET, /openapi.json",
        "GET, /swagger-ui/index.html",
        "GET, /status",
        "GET, /status/index.html",
        "GET, /status/status.js",
        "GET, /webjars/uplot/dist/uPlot.iife.min.js"
    })
    void probesSiteInfoMetricsTheApiDescriptionAndTheStatusPageArePublic(String method, String path) {
        assertThat(AccessPolicy.required(method, path)).isEqualTo(Permission.PUBLIC);
    }

    @ParameterizedTest
    @CsvSource({
        "GET, /executed_obs_units/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11",
        "GET, /executed_obs_units",
        "GET, /raw_data_package/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11",
        "GET, /api/transactions/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11",
        "GET, /api/transactions",
        "GET, /api/buffer",
        "GET, /api/status/history",
        "GET, /actuator/info",
        "GET, /a/path/nobody/mapped/yet",
        "get, /executed_obs_units"
    })
    void readsOfDataAndTransactionsNeedRead(String method, String path) {
        assertThat(AccessPolicy.required(method, path)).isEqualTo(Permission.READ);
    }

    @ParameterizedTest
    @CsvSource({
        "POST, /executed_obs_units/start",
        "PUT, /executed_obs_units/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11/finish",
        "POST, /raw_data_files/bulk",
        "POST, /api/transactions",
        "POST, /api/transactions/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11/retry",
        "POST, /api/transactions/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11/discard",
        "GET, /api/transactions/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11/retry",
        "DELETE, /observing_programs/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11",
        "POST, /status",
        "PATCH, /a/path/nobody/mapped/yet"
    })
    void writesAndOperatorActionsOnTransactionsNeedWrite(String method, String path) {
        assertThat(AccessPolicy.required(method, path)).isEqualTo(Permission.WRITE);
    }

    @ParameterizedTest
    @CsvSource({"GET, /api/tokens", "POST, /api/tokens", "DELETE, /api/tokens/6f1c7a57-9d7c-4f7e-8a55-0d5c1a0e7b11"})
    void tokenManagementNeedsManageTokens(String method, String path) {
        assertThat(AccessPolicy.required(method, path)).isEqualTo(Permission.MANAGE_TOKENS);
    }

    @ParameterizedTest
    @CsvSource({"POST, /health", "DELETE, /api/site/info", "POST, /actuator/prometheus", "PUT, /docs/index.html"})
    void publicPathsArePublicForReadingOnly(String method, String path) {
        assertThat(AccessPolicy.required(method, path)).isEqualTo(Permission.WRITE);
    }

    @Test
    void similarLookingPathsAreNotPublic() {
        assertThat(AccessPolicy.required("GET", "/healthz")).isEqualTo(Permission.READ);
        assertThat(AccessPolicy.required("GET", "/health/../executed_obs_units"))
                .isEqualTo(Permission.READ);
        assertThat(AccessPolicy.required("GET", "/documents")).isEqualTo(Permission.READ);
        assertThat(AccessPolicy.required("GET", "/api/site/info/more")).isEqualTo(Permission.READ);
    }
}
