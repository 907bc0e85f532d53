package io.opsdb.relay.app.site;

import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.site.SiteConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}: 200 when UP or DEGRADED (in-flight above TRANSACTION_BUFFER_SIZE, or the replica
 * lagging past REPLICA_LAG_DEGRADED_SECONDS: writes are still accepted), 503 when DOWN.
 */
@RestController
class HealthController {

    private final SiteConfiguration site;
    private final SiteStatus status;

    HealthController(SiteConfiguration site, SiteStatus status) {
        this.site = site;
        this.status = status;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        List<ComponentHealth> components = status.components();
        Map<String, Object> figures = status.figures();
        SiteStatus.Health health = status.health(components, figures);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", health.name());
        body.put("site_name", site.siteName());
        body.put("site_type", site.siteType().value());
        body.put("components", SiteStatus.states(components));
        body.putAll(figures);
        return ResponseEntity.status(health == SiteStatus.Health.DOWN ? 503 : 200)
                .body(body);
    }
}
