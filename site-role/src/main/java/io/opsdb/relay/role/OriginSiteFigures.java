package io.opsdb.relay.role;

/**
 * At the main site, how one secondary site's commands are being applied: each origin site has an applier of its own,
 * so one site's figures say nothing about another's.
 *
 * @param site the origin site, as its mirrored topic names it ({@code <site>.ops.commands})
 * @param state what its applier does now
 * @param waitingCommands commands mirrored to the main site and not yet applied (for a refused site: all its topic
 *        holds); null when they cannot be counted now
 * @param refusal why its commands are not applied, for a {@link State#REFUSED} site; else null
 */
public record OriginSiteFigures(String site, State state, Long waitingCommands, String refusal) {

    /** What an origin site's applier does. */
    public enum State {
        /** Applying, or waiting for the next command. */
        APPLYING,
        /** A transient failure outlasted its retries: it waits out a pause, then tries the same commands again. */
        PAUSED,
        /** Its applier does not run (not yet started, or stopped). */
        STOPPED,
        /** Its name collides with the main site's own or is not a valid site name: its commands are not applied. */
        REFUSED
    }
}
