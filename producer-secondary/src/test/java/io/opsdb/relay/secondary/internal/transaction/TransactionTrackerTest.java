package io.opsdb.relay.secondary.internal.transaction;

import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.applied;
import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TransactionTrackerTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final TransactionTracker tracker = new TransactionTracker(Clock.fixed(NOW, ZoneOffset.UTC));

    private static Operation finish(String recordId) {
        return Operation.newBuilder()
                .setType(OperationType.UPDATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(recordId)
                .setValues(Map.of("status", "completed"))
                .build();
    }

    @Test
    void appliedIsNotVisibleUntilTheReplicaReplaysTheCommit() {
        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        CompletableFuture<TrackedTransaction> settled = tracker.whenSettled("t1");
        tracker.replayedUpTo(Lsn.valueOf("0/FFFFFFF0"));

        tracker.outcome(applied("t1", "1/10", NOW));
        assertThat(tracker.find("t1"))
                .get()
                .extracting(TrackedTransaction::state)
                .isEqualTo(TransactionState.APPLIED);
        assertThat(tracker.inFlightOperations("r1")).hasSize(1);

        tracker.replayedUpTo(Lsn.valueOf("1/F"));
        assertThat(settled).isNotDone();
        tracker.replayedUpTo(Lsn.valueOf("1/10"));

        assertThat(settled).isCompleted();
        assertThat(settled.join().state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(settled.join().progress().commitLsn()).isEqualTo(Lsn.valueOf("1/10"));
        assertThat(tracker.inFlightOperations("r1")).isEmpty();
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void aCommitTheReplicaAlreadyPassedIsVisibleAtOnce() {
        tracker.replayedUpTo(Lsn.valueOf("5/0"));
        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        tracker.outcome(applied("t1", "4/FFFFFFFF", NOW));
        assertThat(tracker.find("t1"))
                .get()
                .extracting(TrackedTransaction::state)
                .isEqualTo(TransactionState.VISIBLE);
    }

    @Test
    void overlayKeepsTheSiteOrderAndDropsFailedTransactions() {
        tracker.acknowledged("t2", 7, 1, List.of(finish("r1")), NOW);
        tracker.acknowledged("t1", 6, 1, List.of(start("r1")), NOW);
        assertThat(tracker.inFlightOperations("r1"))
                .extracting(Operation::getType)
                .containsExactly(OperationType.CREATE, OperationType.UPDATE);

        tracker.outcome(TransactionOutcome.newBuilder(applied("t2", "0/1", NOW))
                .setStatus(OutcomeStatus.FAILED)
                .setError("no such record")
                .build());

        TrackedTransaction failed = tracker.find("t2").orElseThrow();
        assertThat(failed.state()).isEqualTo(TransactionState.FAILED);
        assertThat(failed.progress().error()).isEqualTo("no such record");
        assertThat(tracker.whenSettled("t2")).isCompletedWithValue(failed);
        assertThat(tracker.inFlightOperations("r1"))
                .extracting(Operation::getType)
                .containsExactly(OperationType.CREATE);
    }

    @Test
    void anOutcomeThatOutrunsItsAcknowledgementIsKept() {
        tracker.replayedUpTo(Lsn.valueOf("0/100"));
        tracker.outcome(applied("t1", "0/50", NOW));
        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        assertThat(tracker.find("t1"))
                .get()
                .extracting(TrackedTransaction::state)
                .isEqualTo(TransactionState.VISIBLE);
    }

    @Test
    void repeatedOutcomesChangeNothing() {
        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        tracker.outcome(applied("t1", "0/50", NOW));
        tracker.replayedUpTo(Lsn.valueOf("0/60"));
        TrackedTransaction visible = tracker.find("t1").orElseThrow();

        tracker.outcome(applied("t1", "0/50", NOW));

        assertThat(tracker.find("t1")).get().isEqualTo(visible);
    }

    @Test
    void listenersAreToldOfEveryStateATransactionEntersOnce() {
        List<String> entered = new ArrayList<>();
        tracker.addListener(tx -> entered.add(tx.transactionId() + " " + tx.state()));

        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        tracker.acknowledged("t2", 1, 1, List.of(finish("r1")), NOW);
        tracker.outcome(applied("t1", "0/50", NOW));
        tracker.outcome(applied("t1", "0/50", NOW));
        tracker.outcome(TransactionOutcome.newBuilder(applied("t2", "0/60", NOW))
                .setStatus(OutcomeStatus.FAILED)
                .setError("no such record")
                .build());
        tracker.replayedUpTo(Lsn.valueOf("0/50"));

        assertThat(entered).containsExactly("t1 BUFFERED", "t2 BUFFERED", "t1 APPLIED", "t2 FAILED", "t1 VISIBLE");
    }

    @Test
    void anUnreadableOutcomeOnTheHeapIsSetAsideFirstThenFailsTheTransactionItNames() {
        String id = "0b3c6f0e-8d3a-4e55-9a47-2f1f3c1f9b10";
        List<String> events = new ArrayList<>();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        TransactionTracker heap = new TransactionTracker(
                clock,
                "observatory",
                new HeapTransactions("observatory", clock, record -> events.add("dead letter " + record.offset())));
        heap.addListener(new TransactionListener() {
            @Override
            public void entered(TrackedTransaction tx) {
                events.add(tx.state().name());
            }

            @Override
            public void unreadable(UnreadableRecord record, UnreadableRecord.Fate fate) {
                events.add(record.source() + " " + fate.label());
            }
        });
        heap.acknowledged(id, 0, 1, List.of(start("r1")), NOW);
        RecordHeaders headers = new RecordHeaders();
        headers.add(RelayTopics.HEADER_TRANSACTION_ID, id.getBytes(StandardCharsets.UTF_8));

        heap.unreadableOutcome(UnreadableRecord.of(
                UnreadableRecord.Source.OUTCOME,
                "cologne.ops.outcomes",
                0,
                7,
                NOW.toEpochMilli(),
                id,
                new byte[] {0, 1},
                headers,
                null,
                "bad magic"));

        assertThat(heap.find(id)).get().satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.FAILED);
            assertThat(tx.progress().error()).isEqualTo("unreadable outcome: bad magic");
        });
        assertThat(heap.inFlightOperations("r1")).isEmpty();
        assertThat(heap.failedCount()).isEqualTo(1);
        assertThat(events).containsExactly("BUFFERED", "dead letter 7", "FAILED", "OUTCOME transaction_failed");
    }

    @Test
    void aDirectWriteIsVisibleOnceReplayedAndIsNeitherInFlightNorTakenForABufferedOne() {
        tracker.appliedDirectly("d1", List.of(start("r9")), Lsn.valueOf("0/40"), NOW);
        tracker.outcome(applied("d1", "0/38", NOW));

        assertThat(tracker.find("d1"))
                .get()
                .extracting(TrackedTransaction::state)
                .isEqualTo(TransactionState.APPLIED);
        assertThat(tracker.inFlightCount()).isZero();
        assertThat(tracker.inFlightOperations("r9")).isEmpty();
        assertThat(tracker.count(TransactionState.APPLIED)).isEqualTo(1);
        assertThat(tracker.replicaLagBytes()).isEqualTo(0x40);

        tracker.replayedUpTo(Lsn.valueOf("0/40"));

        assertThat(tracker.whenSettled("d1")).isCompleted();
        assertThat(tracker.find("d1"))
                .get()
                .extracting(TrackedTransaction::state)
                .isEqualTo(TransactionState.VISIBLE);
        assertThat(tracker.list(TransactionState.VISIBLE, null, 10))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("d1");
    }
}
