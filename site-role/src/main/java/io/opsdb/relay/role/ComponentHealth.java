package io.opsdb.relay.role;

import java.util.Objects;

/**
 * One part a site depends on, as {@code GET /health} lists it.
 *
 * @param name its name in the health answer ({@code database}, {@code kafka}, {@code applier}, ...)
 * @param essential true when the site cannot do its part while it is DOWN: the site is then DOWN (503). A
 *        component that is not essential only makes the site DEGRADED while it is DOWN, as any PAUSED one does.
 */
public record ComponentHealth(String name, State state, boolean essential) {

    /** A component's state. */
    public enum State {
        UP,
        DOWN,
        /** Working, but holding back for a while by its own decision (the applier after its retries): it resumes by itself. */
        PAUSED
    }

    public ComponentHealth {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }

    /** UP when {@code up}, else DOWN. */
    public static ComponentHealth of(String name, boolean up, boolean essential) {
        return new ComponentHealth(name, up ? State.UP : State.DOWN, essential);
    }
}
