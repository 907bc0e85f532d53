package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class LedgerReconcilerTest {

    private static final String SITE = "observatory";
    private static final Instant START = Instant.parse("2026-11-30T01:00:00Z");
    private static final String T1 = "00000000-0000-4000-8000-000000000001";
    private static final String T2 = "00000000-0000-4000-8000-000000000002";
    private static final String T3 = "00000000-0000-4000-8000-000000000003";

    private Instant now = START;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final LaggingProcessor processor = new LaggingProcessor(new HeapTransactions(SITE, clock, record -> {}));
    private final TransactionTracker tracker = new TransactionTracker(clock, SITE, processor);
    /** The replica's ledger: transaction id -> its row. */
    private final Map<String, TransactionOutcome> ledger = new HashMap<>();

    private final LedgerReconciler reconciler = new LedgerReconciler(
            byLedgerId -> byLedgerId.values().stream()
                    .filter(ledger::containsKey)
                    .map(ledger::get)
                    .toList(),
            tracker,
            clock);

    private void buffered(String tx) {
        Operation op = Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("r-" + tx)
                .setValues(Map.of("status", "running"))
                .build();
        tracker.acknowledged(tx, processor.nextOffset++, 1, List.of(op), now);
    }

    private void inTheLedger(String tx) {
        ledger.put(
                tx,
                TransactionOutcome.newBuilder()
                        .setTransactionId(tx)
                        .setSite(SITE)
                        .setAttempt(1)
                        .setStatus(OutcomeStatus.APPLIED)
                        .setCommittedAt(START)
                        .setCommitLsn(Lsn.valueOf("1/10").asLong())
                        .build());
    }

    private void passes(int n) {
        for (int i = 0; i < n; i++) {
            now = now.plus(LedgerReconciler.INTERVAL);
            reconciler.pass();
        }
    }

    @Test
    void eachOutcomeIsSentOnceWhileTheProcessorIsBehind() {
        buffered(T1);
        buffered(T2);
        buffered(T3);
        inTheLedger(T1);
        inTheLedger(T2);
        now = now.plus(LedgerReconciler.BUFFERED_FOR);

        passes(10);

        assertThat(processor.sent).containsExactlyInAnyOrder(T1, T2);
        assertThat(tracker.find(T1).orElseThrow().state()).isEqualTo(TransactionState.BUFFERED);

        processor.catchUp();
        assertThat(tracker.find(T1).orElseThrow().state()).isEqualTo(TransactionState.APPLIED);
        inTheLedger(T3);
        passes(10);

        assertThat(processor.sent).containsExactlyInAnyOrder(T1, T2, T3);
    }

    @Test
    void anOutcomeStillUnprocessedAfterTheBackOffIsSentAgain() {
        buffered(T1);
        inTheLedger(T1);
        now = now.plus(LedgerReconciler.BUFFERED_FOR);
        passes(1);

        now = now.plus(LedgerReconciler.RESEND_AFTER.minus(LedgerReconciler.INTERVAL.multipliedBy(2)));
        passes(1);
        assertThat(processor.sent).containsExactly(T1);

        passes(1);
        assertThat(processor.sent).containsExactly(T1, T1);
    }

    @Test
    void aLaterAttemptsOutcomeIsSentWithoutWaitingForTheBackOff() {
        buffered(T1);
        inTheLedger(T1);
        now = now.plus(LedgerReconciler.BUFFERED_FOR);
        passes(1);
        // The processor took it in, and it was FAILED and retried meanwhile: a new attempt, BUFFERED again.
        processor.heap.outcome(TransactionOutcome.newBuilder(ledger.get(T1))
                .setStatus(OutcomeStatus.FAILED)
                .setError("check constraint violated")
                .setCommitLsn(0L)
                .build());
        processor.queued.clear();
        processor.heap.acknowledged(new Buffered(T1, processor.nextOffset++, 2, List.of(), START, "ops"));
        ledger.put(
                T1, TransactionOutcome.newBuilder(ledger.get(T1)).setAttempt(2).build());
        assertThat(tracker.find(T1).orElseThrow().attempt()).isEqualTo(2);
        now = now.plus(LedgerReconciler.BUFFERED_FOR);

        passes(1);

        assertThat(processor.sent).containsExactly(T1, T1);
    }

    /** The heap's store with a processor that is behind: outcomes from the ledger wait until it catches up. */
    private static final class LaggingProcessor implements BufferedTransactions {

        final HeapTransactions heap;
        final List<String> sent = new ArrayList<>();
        final List<TransactionOutcome> queued = new ArrayList<>();
        long nextOffset;

        LaggingProcessor(HeapTransactions heap) {
            this.heap = heap;
        }

        void catchUp() {
            queued.forEach(heap::reconciled);
            queued.clear();
        }

        @Override
        public void reconciled(TransactionOutcome outcome) {
            sent.add(outcome.getTransactionId());
            queued.add(outcome);
        }

        @Override
        public void listen(
                Consumer<TrackedTransaction> entered, BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable) {
            heap.listen(entered, unreadable);
        }

        @Override
        public TransactionStateView view() {
            return heap.view();
        }

        @Override
        public void acknowledged(Buffered command) {
            heap.acknowledged(command);
        }

        @Override
        public void outcome(TransactionOutcome outcome) {
            heap.outcome(outcome);
        }

        @Override
        public void unreadableOutcome(UnreadableRecord record) {
            heap.unreadableOutcome(record);
        }

        @Override
        public void replayedUpTo(Lsn position) {
            heap.replayedUpTo(position);
        }

        @Override
        public void discard(String transactionId, String by) {
            heap.discard(transactionId, by);
        }
    }
}
