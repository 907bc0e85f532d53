package io.opsdb.relay.app.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.app.site.SiteStatus.Health;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.ComponentHealth.State;
import io.opsdb.relay.site.SiteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SiteStatusHealthTest {

    private static final SiteConfiguration OBSERVATORY = SiteConfiguration.load(Map.of(
            "SITE_NAME",
            "observatory",
            "SITE_TYPE",
            "secondary",
            "TRANSACTION_BUFFER_SIZE",
            "10",
            "REPLICA_LAG_DEGRADED_SECONDS",
            "60")::get);

    /** As a secondary's role reports them: its Kafka cluster and outcome follower are essential. */
    private static List<ComponentHealth> secondaryComponentsUp() {
        return new ArrayList<>(List.of(
                ComponentHealth.of("database", true, false),
                ComponentHealth.of("kafka", true, true),
                ComponentHealth.of("outcome_follower", true, true),
                ComponentHealth.of("replica", true, false)));
    }

    private static List<ComponentHealth> with(List<ComponentHealth> components, String name, State state) {
        List<ComponentHealth> changed = new ArrayList<>();
        for (ComponentHealth component : components) {
            changed.add(
                    component.name().equals(name)
                            ? new ComponentHealth(name, state, component.essential())
                            : component);
        }
        return changed;
    }

    private static Map<String, Object> figures(int inFlight, Double lagSeconds) {
        Map<String, Object> figures = new HashMap<>();
        figures.put("in_flight", inFlight);
        figures.put("replica_lag_seconds", lagSeconds);
        return figures;
    }

    private static Health observatory(List<ComponentHealth> components, Map<String, Object> figures) {
        return SiteStatus.health(OBSERVATORY, components, figures);
    }

    @Test
    void upWhenEveryComponentIsUpAndTheFiguresAreWithinTheirLimits() {
        assertThat(observatory(secondaryComponentsUp(), figures(10, 60.0))).isEqualTo(Health.UP);
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
        assertThat(observatory(with(secondaryComponentsUp(), "replica", State.DOWN), figures(0, null)))
                .isEqualTo(Health.DEGRADED);
    }

    @Test
    void downWhenAnEssentialComponentIsDown() {
        assertThat(observatory(with(secondaryComponentsUp(), "kafka", State.DOWN), figures(0, 0.0)))
                .isEqualTo(Health.DOWN);
        assertThat(observatory(with(secondaryComponentsUp(), "outcome_follower", State.DOWN), figures(0, 0.0)))
                .isEqualTo(Health.DOWN);
    }

    @Test
    void degradedStillServingWhenAComponentThatIsNotEssentialIsDown() {
        assertThat(observatory(with(secondaryComponentsUp(), "database", State.DOWN), figures(0, 0.0)))
                .isEqualTo(Health.DEGRADED);
    }

    @Test
    void degradedWhileAnEssentialComponentIsPaused() {
        List<ComponentHealth> components =
                List.of(ComponentHealth.of("database", true, true), new ComponentHealth("applier", State.PAUSED, true));

        assertThat(observatory(components, figures(0, 0.0))).isEqualTo(Health.DEGRADED);
    }

    @Test
    void healthListsEachComponentByNameInTheRolesOrder() {
        List<ComponentHealth> components = with(secondaryComponentsUp(), "replica", State.DOWN);

        assertThat(SiteStatus.states(components))
                .containsExactly(
                        Map.entry("database", "UP"),
                        Map.entry("kafka", "UP"),
                        Map.entry("outcome_follower", "UP"),
                        Map.entry("replica", "DOWN"));
    }
}
