package io.opsdb.relay.app.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.opsdb.relay.app.site.SiteStatus.Health;
import io.opsdb.relay.site.SiteConfiguration;

class SiteStatusHealthTest {

    private static final SiteConfiguration OBSERVATORY = SiteConfiguration.load(Map.of("SITE_NAME", "observatory",
            "SITE_TYPE", "secondary", "TRANSACTION_BUFFER_SIZE", "10", "REPLICA_LAG_DEGRADED_SECONDS", "60")::get);
    private static final SiteConfiguration COLOGNE = SiteConfiguration.load(Map.of("SITE_NAME", "cologne",
            "SITE_TYPE", "main")::get);

    private static Map<String, Object> secondaryComponentsUp() {
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("database", "UP");
        components.put("kafka", "UP");
        components.put("outcome_follower", "UP");
        components.put("replica", "UP");
        return components;
    }

    private static Map<String, Object> mainComponentsUp() {
        Map<String, Object> components = new LinkedHashMap<>();
        components.put("database", "UP");
        components.put("kafka", "UP");
        components.put("applier", "UP");
        components.put("outcome_stream", "UP");
        return components;
    }

    private static Map<String, Object> figures(int inFlight, Double lagSeconds) {
        Map<String, Object> figures = new HashMap<>();
        figures.put("in_flight", inFlight);
        figures.put("replica_lag_seconds", lagSeconds);
        return figures;
    }

    private static Health observatory(Map<String, Object> components, Map<String, Object> figures) {
        return SiteStatus.health(OBSERVATORY, components, figures);
    }

    @Test
    void upWhenEveryComponentIsUpAndTheFiguresAreWithinTheirLimits() {
        assertThat(observatory(secondaryComponentsUp(), figures(10, 60.0))).isEqualTo(Health.UP);
        assertThat(SiteStatus.health(COLOGNE, mainComponentsUp(), figures(0, 0.0))).isEqualTo(Health.UP);
    }

    @Test
    void degradedWhenInFlightExceedsTheTransactionBufferSize() {
        assertThat(observatory(secondaryComponentsUp(), figures(11, 0.0))).isEqualTo(Health.DEGRADED);
    }

    @Test
    void degradedWhenTheReplicaLagsMoreThanTheDegradedThreshold() {
        assertThat(observatory(secondaryComponentsUp(), figures(0, 60.5))).isEqualTo(Health.DEGRADED);
    }

    @Test
    void anUnreadableReplicaLagDegradesThroughTheReplicaComponentNotTheFigure() {
        assertThat(observatory(secondaryComponentsUp(), figures(0, null))).isEqualTo(Health.UP);
        Map<String, Object> components = secondaryComponentsUp();
        components.put("replica", "DOWN");
        assertThat(observatory(components, figures(0, null))).isEqualTo(Health.DEGRADED);
    }

    @Test
    void aSecondaryIsDownWithoutItsKafkaClusterOrItsOutcomeFollower() {
        Map<String, Object> noKafka = secondaryComponentsUp();
        noKafka.put("kafka", "DOWN");
        assertThat(observatory(noKafka, figures(0, 0.0))).isEqualTo(Health.DOWN);
        Map<String, Object> noFollower = secondaryComponentsUp();
        noFollower.put("outcome_follower", "DOWN");
        assertThat(observatory(noFollower, figures(0, 0.0))).isEqualTo(Health.DOWN);
    }

    @Test
    void aSecondaryWhoseDatabaseIsDownStillAcceptsWritesDegraded() {
        Map<String, Object> components = secondaryComponentsUp();
        components.put("database", "DOWN");
        assertThat(observatory(components, figures(0, 0.0))).isEqualTo(Health.DEGRADED);
    }

    @Test
    void theMainSiteIsDownWhenAnyComponentIs() {
        for (String component : mainComponentsUp().keySet()) {
            Map<String, Object> components = mainComponentsUp();
            components.put(component, "DOWN");
            assertThat(SiteStatus.health(COLOGNE, components, figures(0, 0.0))).as(component).isEqualTo(Health.DOWN);
        }
    }

    @Test
    void theMainSiteIsDegradedWhileItsApplierIsPausedAfterItsRetries() {
        Map<String, Object> components = mainComponentsUp();
        components.put("applier", "PAUSED");

        assertThat(SiteStatus.health(COLOGNE, components, figures(0, 0.0))).isEqualTo(Health.DEGRADED);
    }
}
