package io.opsdb.relay.secondary.internal.transaction;

import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.codec.RelayCodecs;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class PendingTransactionsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    private static TrackedTransaction waiting(String id, int attempt, String... recordIds) {
        List<Operation> operations = new ArrayList<>();
        for (String recordId : recordIds) {
            operations.add(start(recordId));
        }
        return TrackedTransaction.buffered(id, 0, attempt, operations, NOW);
    }

    private static EncodedOperations encoded(String id, String recordId) {
        return EncodedOperations.of(RelayCodecs.writeCommands()
                .encode(WriteCommand.newBuilder()
                        .setTransactionId(id)
                        .setSite("observatory")
                        .setAcceptedAt(NOW)
                        .setAttempt(1)
                        .setOperations(List.of(start(recordId)))
                        .build()));
    }

    @Test
    void aRecordFindsOnlyTheTransactionsTouchingItAndNoneThatLeft() {
        PendingTransactions pending = new PendingTransactions();
        pending.put(waiting("t1", 1, "r1", "r2"));
        pending.put(waiting("t2", 1, "r2"));
        pending.put(waiting("t3", 1, "r3"));

        assertThat(pending.touching("r2"))
                .extracting(TrackedTransaction::transactionId)
                .containsExactlyInAnyOrder("t1", "t2");
        assertThat(pending.touching("r9")).isEmpty();

        pending.removeIf("t1", tx -> tx.attempt() <= 0);
        assertThat(pending.touching("r1")).as("not due to leave: kept").hasSize(1);
        pending.removeIf("t1", tx -> tx.attempt() <= 1);
        assertThat(pending.touching("r1")).isEmpty();
        assertThat(pending.touching("r2"))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t2");
        assertThat(pending.size()).isEqualTo(2);
    }

    @Test
    void aLaterAttemptTakesTheEarliersPlaceInTheIndex() {
        PendingTransactions pending = new PendingTransactions();
        pending.put(waiting("t1", 1, "r1"));
        pending.put(waiting("t1", 2, "r1"));

        assertThat(pending.touching("r1"))
                .extracting(TrackedTransaction::attempt)
                .containsExactly(2);
        pending.removeIf("t1", tx -> tx.attempt() <= 1);
        assertThat(pending.touching("r1")).as("the later attempt still waits").hasSize(1);
        pending.removeIf("t1", tx -> tx.attempt() <= 2);
        assertThat(pending.touching("r1")).isEmpty();
        assertThat(pending.size()).isZero();
    }

    /** Many threads putting and removing transactions on a few shared records: the index ends exactly right. */
    @Test
    void theIndexStaysExactUnderConcurrentPutsAndRemovals() throws Exception {
        PendingTransactions pending = new PendingTransactions();
        String[] records = {"r0", "r1", "r2", "r3"};
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    Random random = new Random(thread);
                    for (int i = 0; i < 20_000; i++) {
                        String id = "t" + random.nextInt(200);
                        if (random.nextBoolean()) {
                            pending.put(waiting(
                                    id, 1 + random.nextInt(3), records[random.nextInt(4)], records[random.nextInt(4)]));
                        } else {
                            pending.removeIf(id, tx -> true);
                        }
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            threads.shutdownNow();
        }

        for (String record : records) {
            Set<String> expected = new HashSet<>();
            for (TrackedTransaction tx : pending.all()) {
                if (tx.latest().operations().stream()
                        .anyMatch(op -> op.getRecordId().equals(record))) {
                    expected.add(tx.transactionId());
                }
            }
            assertThat(pending.touching(record))
                    .extracting(TrackedTransaction::transactionId)
                    .as("record %s", record)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /**
     * The tracker's read of one record looks only at the waiting transactions that touch it. It scanned every waiting
     * transaction, decoding each one's command, so that with a backlog in front of the state processor every read
     * and every write's existence check cost as much as the backlog was long.
     */
    @Test
    void aReadOfOneRecordDecodesNoOtherWaitingCommand() {
        TransactionTracker tracker =
                new TransactionTracker(Clock.fixed(NOW, ZoneOffset.UTC), "observatory", new NeverStored());
        EncodedOperations other = encoded("t1", "r1");
        tracker.acknowledged("t1", 0, 1, other, NOW);
        tracker.acknowledged("t2", 1, 1, encoded("t2", "r2"), NOW);

        assertThat(tracker.inFlightOperations("r2"))
                .extracting(Operation::getRecordId)
                .containsExactly("r2");
        assertThat(tracker.inFlightOperations("r3")).isEmpty();
        assertThat(other.isDecoded()).as("t1's command, kept encoded").isFalse();
        assertThat(tracker.inFlightOperations("r1"))
                .extracting(Operation::getRecordId)
                .containsExactly("r1");
        assertThat(tracker.inFlightCount()).isEqualTo(2);
    }

    /**
     * The state stores as the tracker sees them while their processor is behind: it reads commands from Kafka by
     * itself, so nothing the tracker hands over is stored yet.
     */
    private static final class NeverStored implements BufferedTransactions {

        private final HeapTransactions empty = new HeapTransactions("observatory", Clock.systemUTC(), record -> {});

        @Override
        public void listen(
                Consumer<TrackedTransaction> entered, BiConsumer<UnreadableRecord, UnreadableRecord.Fate> unreadable) {}

        @Override
        public TransactionStateView view() {
            return empty.view();
        }

        @Override
        public void acknowledged(Buffered command) {}

        @Override
        public void outcome(TransactionOutcome outcome) {}

        @Override
        public void unreadableOutcome(UnreadableRecord record) {}

        @Override
        public void reconciled(TransactionOutcome outcome) {}

        @Override
        public void replayedUpTo(Lsn position) {}

        @Override
        public void discard(String transactionId, String by) {}
    }
}
