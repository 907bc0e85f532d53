package io.opsdb.relay.app.site;

import io.opsdb.relay.role.ComponentHealth;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The site's own verdict ({@code /health}) as Spring Boot's health contributor {@code relay}, so that
 * {@code /actuator/health} and its readiness group, which container probes use, say what {@code /health} says. A
 * WAN outage at a secondary is DEGRADED there, answered 200 (application.yml maps the status), never DOWN: a probe
 * must not restart a site that is buffering exactly as designed.
 */
@Component("relay")
class RelayHealthIndicator implements HealthIndicator {

    /** Still serving, with a part impaired; between UP and DOWN in application.yml's status order. */
    static final Status DEGRADED = new Status(SiteStatus.Health.DEGRADED.name());

    private final SiteStatus status;

    RelayHealthIndicator(SiteStatus status) {
        this.status = status;
    }

    @Override
    public Health health() {
        List<ComponentHealth> components = status.components();
        Map<String, Object> figures = status.figures();
        Health.Builder health = switch (status.health(components, figures)) {
            case UP -> Health.up();
            case DEGRADED -> Health.status(DEGRADED);
            case DOWN -> Health.down();
        };
        return health.withDetail("components", SiteStatus.states(components))
                .withDetails(figures)
                .build();
    }
}
