package io.opsdb.relay.role;

/**
 * What the application can tell a role about the parts every site has: its own database, its own Kafka cluster and
 * the Kafka listeners it runs. A role reports them among its {@link SiteRole#components()} and decides how much the
 * site depends on each; the checks themselves are the same at every site, so the application makes them once.
 */
public interface SiteProbes {

    /** True when this site's own database (the primary at the main site, the replica at a secondary) answers. */
    boolean databaseReachable();

    /** True when this site's Kafka consumers are connected to its cluster. */
    boolean kafkaConnected();

    /** True when the Kafka listener container {@code listenerId} (a role's {@code @KafkaListener} id) runs. */
    boolean listenerRunning(String listenerId);
}
