package io.opsdb.relay.app.site;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.BufferFigures;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.SiteRole;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** What health, site info, the buffer figures and metrics report about this site, as its role tells it. */
@Component
public class SiteStatus {

    /** Overall health: DEGRADED still serves (writes are accepted), DOWN does not. */
    public enum Health {
        UP,
        DEGRADED,
        DOWN
    }

    private final SiteConfiguration site;
    private final SiteRole role;

    SiteStatus(SiteConfiguration site, SiteRole role) {
        this.site = site;
        this.role = role;
    }

    /** Buffer and replication figures for /api/site/info and /health (the replica's position and lag in bytes at a secondary). */
    public Map<String, Object> figures() {
        BufferFigures buffer = role.buffer();
        Map<String, Object> figures = inFlightFigures(buffer);
        Lsn replayed = buffer.replicaReplayPosition();
        if (replayed != null) {
            figures.put("replica_replay_lsn", replayed.asString());
            figures.put("replica_lag_bytes", buffer.replicaLagBytes());
        }
        figures.put("replica_lag_seconds", buffer.replicaLagSeconds());
        return figures;
    }

    /**
     * The figures of {@code /api/buffer}: the same at every site type, 0 where they do not apply; at the main site
     * also {@code origin_sites}, each origin site's applier by name (its state, the commands waiting for it, and why
     * a refused site's are not applied).
     */
    public Map<String, Object> bufferFigures() {
        BufferFigures buffer = role.buffer();
        Map<String, Object> figures = inFlightFigures(buffer);
        figures.put("replica_lag_bytes", buffer.replicaLagBytes());
        figures.put("replica_lag_seconds", buffer.replicaLagSeconds());
        if (site.isMainSite()) {
            Map<String, Object> sites = new LinkedHashMap<>();
            for (OriginSiteFigures origin : buffer.originSites()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("state", origin.state().name());
                one.put("waiting_commands", origin.waitingCommands());
                if (origin.refusal() != null) {
                    one.put("refusal", origin.refusal());
                }
                sites.put(origin.site(), one);
            }
            figures.put("origin_sites", sites);
        }
        return figures;
    }

    /** At the main site, each origin site found so far, applied or refused; else empty. */
    public List<OriginSiteFigures> originSites() {
        return role.buffer().originSites();
    }

    /** At the main site, the origin site {@code name}'s figures, as {@code /api/buffer} reports them; else empty. */
    public Optional<OriginSiteFigures> originSite(String name) {
        return originSites().stream()
                .filter(origin -> origin.site().equals(name))
                .findFirst();
    }

    private static Map<String, Object> inFlightFigures(BufferFigures buffer) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("in_flight", buffer.inFlight());
        figures.put("oldest_in_flight_age_seconds", seconds(buffer.oldestInFlightAge()));
        figures.put("failed", buffer.failed());
        figures.put("discarded", buffer.discarded());
        return figures;
    }

    /** Transactions of this site not yet VISIBLE or FAILED; 0 at the main site, which buffers nothing. */
    public int inFlightCount() {
        return role.buffer().inFlight();
    }

    /** Age of the oldest transaction in flight; 0 when none is. */
    public double oldestInFlightAgeSeconds() {
        return seconds(role.buffer().oldestInFlightAge());
    }

    /** WAL bytes between the newest commit this site has heard of and its replica's replay position; 0 at the main site. */
    public long replicaLagBytes() {
        return role.buffer().replicaLagBytes();
    }

    /** How far the replica is behind the primary in seconds; 0 at the main site; null when the replica cannot be read. */
    public Double replicaLagSeconds() {
        return role.buffer().replicaLagSeconds();
    }

    /** Each part this site depends on, as its role reports it now. */
    public List<ComponentHealth> components() {
        return role.components();
    }

    /** The components as {@code /health} lists them: name to UP, DOWN or PAUSED, in the role's order. */
    public static Map<String, Object> states(List<ComponentHealth> components) {
        Map<String, Object> states = new LinkedHashMap<>();
        components.forEach(
                component -> states.put(component.name(), component.state().name()));
        return states;
    }

    public Health health(List<ComponentHealth> components, Map<String, Object> figures) {
        return health(site, components, figures);
    }

    /**
     * DOWN when the site cannot do its part: an essential component is DOWN (at the main site every component is;
     * at a secondary its Kafka cluster and its outcome follower). DEGRADED, still serving, when any other component
     * is down, one is PAUSED (the applier after its retries), in-flight transactions exceed TRANSACTION_BUFFER_SIZE,
     * or the replica lags more than REPLICA_LAG_DEGRADED_SECONDS.
     */
    static Health health(SiteConfiguration site, List<ComponentHealth> components, Map<String, Object> figures) {
        boolean down = components.stream()
                .anyMatch(component -> component.essential() && component.state() == ComponentHealth.State.DOWN);
        if (down) {
            return Health.DOWN;
        }
        Object lag = figures.get("replica_lag_seconds");
        boolean lagging = lag instanceof Number seconds && seconds.doubleValue() > seconds(site.replicaLagDegraded());
        boolean overfull = ((Number) figures.get("in_flight")).intValue() > site.transactionBufferSize();
        boolean impaired = components.stream().anyMatch(component -> component.state() != ComponentHealth.State.UP);
        return lagging || overfull || impaired ? Health.DEGRADED : Health.UP;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
