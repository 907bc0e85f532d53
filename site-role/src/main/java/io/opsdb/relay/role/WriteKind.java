package io.opsdb.relay.role;

/** How a write is routed at a secondary site (the main site writes everything straight to the primary). */
public enum WriteKind {
    /** Must never be refused for the WAN: buffered in the site's Kafka cluster when CRITICAL_OPERATIONS_BUFFER is on. */
    CRITICAL,
    /** Goes straight to the primary when it is reachable, and is refused with 503 when it is not. */
    NON_CRITICAL
}
