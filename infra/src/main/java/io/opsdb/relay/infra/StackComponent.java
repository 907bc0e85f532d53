package io.opsdb.relay.infra;

/**
 * One process of the local stack: a database server, a broker, a MirrorMaker 2 instance or an application.
 * Each runs as its own OS process so that a fault test can kill and restart it alone.
 */
public interface StackComponent {

    /** The component's name, as used in log and pid file names ({@code kafka-cologne}, {@code primary}, ...). */
    String name();

    /**
     * Starts the component, or restarts it on the data it already has, and blocks until it is ready.
     *
     * @throws StackException if it does not become ready in time; the message says why in one line where possible
     */
    void start();

    /** Stops the component gracefully, forcing it after a grace period; does nothing if it is not running. */
    void stop();

    /** Kills the component with SIGKILL, as a crash would; does nothing if it is not running. */
    void kill();

    boolean isRunning();

    /**
     * Whether the data an earlier start created is in the work directory (a database cluster, a formatted log
     * directory), so that a start resumes on it; true for a component without data of its own. A stack that resumes
     * requires it of every component rather than silently creating an empty one.
     */
    default boolean isInitialized() {
        return true;
    }

    /** Whether anything of its data is in the work directory, complete or not; false for a component without data. */
    default boolean hasData() {
        return false;
    }

    /**
     * Deletes its data from the work directory, so that its next start creates it anew (a site whose addition failed
     * half-way is added afresh). Only for a component that is not running; nothing for one without data.
     */
    default void deleteData() {}
}
