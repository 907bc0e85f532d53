package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.secondary.internal.transaction.StoreReadiness.Readiness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StateStoreNotAvailableException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * The order of events below is the one Kafka Streams 4.1 follows (StreamThread, TaskManager, StreamTask): a fenced
 * thread closes its tasks dirty (their processors stop), rejoins, becomes PARTITIONS_ASSIGNED (the instance
 * REBALANCING) before it opens the new tasks' stores, fetches the changelogs' end offsets, restores, starts each task's
 * processors once it is restored, and only then is RUNNING again.
 */
class StoreReadinessTest {

    private static final TaskId TASK = new TaskId(0, 0);
    private static final TopicPartition CHANGELOG =
            new TopicPartition("relay-observatory-transactions-transactions-changelog", 0);

    private final StoreReadiness readiness = new StoreReadiness();

    @Test
    void theStoresAreReadOnceStreamsRunsEvenWhenThereWasNothingToRestore() {
        assertUnreadable(Readiness.NOT_RUNNING);

        readiness.onChange(State.REBALANCING, State.CREATED);
        assertUnreadable(Readiness.REBALANCING);
        readiness.started(TASK);
        readiness.onChange(State.RUNNING, State.REBALANCING);

        assertThat(readiness.readiness()).isEqualTo(Readiness.READABLE);
        assertThat(readiness.guard(() -> "VISIBLE")).isEqualTo("VISIBLE");
    }

    @Test
    void afterAFenceNoReadIsAnsweredBeforeTheRestoredTaskRunsAgain() {
        running();

        readiness.stopped(TASK);
        assertUnreadable(Readiness.REOPENING);
        readiness.onChange(State.REBALANCING, State.RUNNING);
        // Here the new task's stores are open and empty, and no restore has started yet: issue 7's 404s.
        assertUnreadable(Readiness.REBALANCING);
        restoreUnreadableAs(Readiness.REBALANCING);
        readiness.started(TASK);
        assertUnreadable(Readiness.REBALANCING);
        readiness.onChange(State.RUNNING, State.REBALANCING);

        assertThat(readiness.guard(() -> "VISIBLE")).isEqualTo("VISIBLE");
    }

    @Test
    void aTaskReopenedWhileTheInstanceStaysRunningIsNotReadUntilItsProcessorStartsAgain() {
        running();

        // A corrupted task is closed dirty, wiped, reopened and restored by a thread that stays RUNNING.
        readiness.stopped(TASK);
        assertUnreadable(Readiness.REOPENING);
        restoreUnreadableAs(Readiness.REOPENING);
        readiness.started(TASK);

        assertThat(readiness.guard(() -> "VISIBLE")).isEqualTo("VISIBLE");
    }

    @Test
    void aRestoreInProgressHoldsReadsOffUntilItEndsOrIsSuspended() {
        running();

        readiness.onRestoreStart(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 0, 5_000);
        assertUnreadable(Readiness.RESTORING);
        readiness.onRestoreSuspended(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 10);
        assertThat(readiness.readiness()).isEqualTo(Readiness.READABLE);

        readiness.onRestoreStart(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 0, 5_000);
        assertUnreadable(Readiness.RESTORING);
        readiness.onRestoreEnd(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 5_000);
        assertThat(readiness.readiness()).isEqualTo(Readiness.READABLE);
    }

    @Test
    void aTaskClosedForGoodDoesNotHoldReadsOffOnceTheInstanceRunsAgain() {
        running();

        readiness.onChange(State.REBALANCING, State.RUNNING);
        readiness.stopped(new TaskId(0, 1));
        readiness.onChange(State.RUNNING, State.REBALANCING);

        assertThat(readiness.readiness()).isEqualTo(Readiness.READABLE);
    }

    @Test
    void anInstanceShuttingDownStoppedOrFailedIsNotRead() {
        for (State state : List.of(State.PENDING_SHUTDOWN, State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR)) {
            running();
            readiness.onChange(state, State.RUNNING);

            assertUnreadable(Readiness.NOT_RUNNING);
        }
    }

    @Test
    void aReadDuringWhichTheStoresWereReopenedIsNotAnsweredEvenIfTheyAreReadableAgain() {
        running();

        assertThatThrownBy(() -> readiness.guard(() -> {
                    // Admitted; then, before the lookup, the thread is fenced, rejoins and restores.
                    readiness.stopped(TASK);
                    readiness.onChange(State.REBALANCING, State.RUNNING);
                    readiness.started(TASK);
                    readiness.onChange(State.RUNNING, State.REBALANCING);
                    return null;
                }))
                .isInstanceOf(StateStoreNotAvailableException.class)
                .hasMessageContaining("changed during the read");
        assertThat(readiness.guard(() -> "VISIBLE")).isEqualTo("VISIBLE");
    }

    @Test
    void aReadDuringWhichTheStoresStoppedBeingReadableIsNotAnswered() {
        running();

        assertThatThrownBy(() -> readiness.guard(() -> {
                    readiness.onChange(State.REBALANCING, State.RUNNING);
                    return null;
                }))
                .isInstanceOf(StateStoreNotAvailableException.class)
                .hasMessage(Readiness.REBALANCING.description());
    }

    @Test
    void theProcessorTellsWhenItStartsInItsTaskAndWhenItStops() {
        List<String> told = new ArrayList<>();
        TaskServingListener listener = new TaskServingListener() {
            @Override
            public void started(TaskId task) {
                told.add("started " + task);
            }

            @Override
            public void stopped(TaskId task) {
                told.add("stopped " + task);
            }
        };
        Properties properties = TransactionStateTopologyTest.properties();
        properties.put(StreamsConfig.STATE_DIR_CONFIG, "target/streams-state-readiness");
        Topology topology = TransactionStateTopology.build(
                "observatory",
                Duration.ofDays(7),
                TransactionStateProcessor.DEFAULT_EXPIRY_CHUNK,
                tx -> {},
                (record, fate) -> {},
                listener,
                () -> Lsn.INVALID);

        try (TopologyTestDriver driver = new TopologyTestDriver(topology, properties)) {
            assertThat(driver.getKeyValueStore(TransactionStateTopology.TRANSACTIONS))
                    .isNotNull();
            assertThat(told).containsExactly("started 0_0");
        }
        assertThat(told).containsExactly("started 0_0", "stopped 0_0");
    }

    /** A changelog's restore from its start to its end, the stores unreadable as {@code expected} throughout. */
    private void restoreUnreadableAs(Readiness expected) {
        readiness.onRestoreStart(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 0, 5_000);
        assertUnreadable(expected);
        readiness.onRestoreEnd(CHANGELOG, TransactionStateTopology.TRANSACTIONS, 5_000);
        assertUnreadable(expected);
    }

    private void running() {
        readiness.onChange(State.REBALANCING, State.CREATED);
        readiness.started(TASK);
        readiness.onChange(State.RUNNING, State.REBALANCING);
    }

    private void assertUnreadable(Readiness expected) {
        assertThat(readiness.readiness()).isEqualTo(expected);
        assertThatThrownBy(() -> readiness.guard(() -> "read"))
                .isInstanceOf(StateStoreNotAvailableException.class)
                .hasMessage(expected.description());
    }
}
