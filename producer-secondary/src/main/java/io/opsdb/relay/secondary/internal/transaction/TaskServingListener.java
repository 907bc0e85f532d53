package io.opsdb.relay.secondary.internal.transaction;

import org.apache.kafka.streams.processor.TaskId;

/**
 * Told, on the stream thread, when {@link TransactionStateProcessor} starts and stops in a task. Kafka Streams starts
 * a task's processors only after it has restored the task's stores, and stops them before it closes the task (dirty or
 * clean): between a stop and the next start, the task's stores are closed, or reopened and not yet restored.
 */
interface TaskServingListener {

    /** Listens to nothing: for topologies whose stores nobody reads from outside (the tests' drivers). */
    TaskServingListener NONE = new TaskServingListener() {
        @Override
        public void started(TaskId task) {}

        @Override
        public void stopped(TaskId task) {}
    };

    /** The task's stores are restored and its processor runs. */
    void started(TaskId task);

    /** The task's processor has stopped: its task is closing. */
    void stopped(TaskId task);
}
