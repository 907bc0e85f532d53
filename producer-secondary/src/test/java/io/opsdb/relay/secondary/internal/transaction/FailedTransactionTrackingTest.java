package io.opsdb.relay.secondary.internal.transaction;

import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracker's index by state and what operators may do with a FAILED transaction. */
class FailedTransactionTrackingTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private final TransactionTracker tracker = new TransactionTracker(Clock.fixed(NOW, ZoneOffset.UTC));

    private static TransactionOutcome outcome(String tx, OutcomeStatus status, int attempt, String lsn) {
        return TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite("observatory")
                .setStatus(status)
                .setAttempt(attempt)
                .setError(status == OutcomeStatus.FAILED ? "no such program" : null)
                .setCommitLsn(Lsn.valueOf(lsn).asLong())
                .setCommittedAt(NOW)
                .build();
    }

    private void failed(String tx, long sequence) {
        tracker.acknowledged(tx, sequence, 1, List.of(start("r-" + tx)), NOW);
        tracker.outcome(outcome(tx, OutcomeStatus.FAILED, 1, "0/10"));
    }

    private TransactionState state(String tx) {
        return tracker.find(tx).orElseThrow().state();
    }

    @Test
    void listsTransactionsByStateInIdOrderPageByPage() {
        for (String tx : List.of("t5", "t1", "t3")) {
            tracker.acknowledged(tx, tx.charAt(1), 1, List.of(start("r-" + tx)), NOW);
        }
        failed("t4", 4);
        failed("t2", 2);

        assertThat(tracker.list(TransactionState.FAILED, null, 1000))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t2", "t4");
        assertThat(tracker.list(TransactionState.BUFFERED, null, 2))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t1", "t3");
        assertThat(tracker.list(TransactionState.BUFFERED, "t3", 2))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t5");
        assertThat(tracker.list(TransactionState.BUFFERED, "t5", 2)).isEmpty();
        assertThat(tracker.list(TransactionState.VISIBLE, null, 10)).isEmpty();
        assertThat(tracker.count(TransactionState.BUFFERED)).isEqualTo(3);
        assertThat(tracker.count(TransactionState.FAILED)).isEqualTo(2);
    }

    @Test
    void theStateIndexFollowsEveryTransition() {
        tracker.acknowledged("t1", 0, 1, List.of(start("r1")), NOW);
        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED, 1, "0/20"));
        assertThat(tracker.list(TransactionState.APPLIED, null, 10))
                .extracting(TrackedTransaction::transactionId)
                .containsExactly("t1");

        tracker.replayedUpTo(Lsn.valueOf("0/20"));

        assertThat(tracker.list(TransactionState.VISIBLE, null, 10))
                .extracting(TrackedTransaction::state)
                .containsExactly(TransactionState.VISIBLE);
        for (TransactionState other :
                List.of(TransactionState.BUFFERED, TransactionState.APPLIED, TransactionState.FAILED)) {
            assertThat(tracker.list(other, null, 10)).as(other.name()).isEmpty();
            assertThat(tracker.count(other)).as(other.name()).isZero();
        }
        assertThat(tracker.count(TransactionState.VISIBLE)).isEqualTo(1);
    }

    @Test
    void aFailedTransactionIsDiscardedWithWhoAndWhenAndKeepsItsReason() {
        failed("t1", 0);

        TrackedTransaction discarded = tracker.discard("t1", "alice").orElseThrow();

        assertThat(discarded.state()).isEqualTo(TransactionState.DISCARDED);
        assertThat(discarded.progress().discarded()).isEqualTo(new OperatorAction("alice", NOW));
        assertThat(discarded.progress().error()).isEqualTo("no such program");
        assertThat(tracker.whenSettled("t1")).isCompletedWithValue(discarded);
        assertThat(tracker.list(TransactionState.DISCARDED, null, 10)).containsExactly(discarded);
        assertThat(tracker.count(TransactionState.FAILED)).isZero();
    }

    @Test
    void onlyAFailedTransactionCanBeDiscarded() {
        tracker.acknowledged("buffered", 0, 1, List.of(start("r1")), NOW);
        failed("t2", 1);
        tracker.discard("t2", "alice");

        assertThatThrownBy(() -> tracker.discard("buffered", "alice"))
                .isInstanceOf(TransactionActionRefusedException.class)
                .hasMessageContaining("is BUFFERED");
        assertThatThrownBy(() -> tracker.discard("t2", "bob"))
                .isInstanceOf(TransactionActionRefusedException.class)
                .hasMessageContaining("is DISCARDED");
        assertThat(tracker.discard("unknown", "alice")).isEmpty();
        assertThat(tracker.find("t2").orElseThrow().progress().discarded().by()).isEqualTo("alice");
    }

    @Test
    void aRetriedTransactionIsBufferedAgainAtTheEndOfTheOrderAndFollowsItsNewAttempt() {
        failed("t1", 0);
        assertThat(tracker.inFlightOperations("r-t1")).isEmpty();

        TrackedTransaction again = tracker.retried("t1", 7, 2, "alice");

        assertThat(again.state()).isEqualTo(TransactionState.BUFFERED);
        assertThat(again.latest().sequence()).isEqualTo(7);
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(again.progress().error()).isNull();
        assertThat(again.retried()).isEqualTo(new OperatorAction("alice", NOW));
        assertThat(tracker.inFlightOperations("r-t1"))
                .as("read-your-writes again while in flight")
                .hasSize(1);
        assertThat(tracker.inFlightCount()).isEqualTo(1);

        tracker.outcome(outcome("t1", OutcomeStatus.FAILED, 1, "0/10"));
        assertThat(state("t1")).as("a redelivered outcome of the first attempt").isEqualTo(TransactionState.BUFFERED);

        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED, 2, "0/30"));
        tracker.replayedUpTo(Lsn.valueOf("0/30"));

        TrackedTransaction visible = tracker.find("t1").orElseThrow();
        assertThat(visible.state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(visible.retried().by()).isEqualTo("alice");
        assertThat(tracker.inFlightOperations("r-t1")).isEmpty();
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void aTransactionRetriedAtTheMainSiteFollowsTheOutcomeOfTheLaterAttempt() {
        failed("t1", 0);

        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED, 2, "0/30"));

        assertThat(tracker.find("t1").orElseThrow()).satisfies(tx -> {
            assertThat(tx.state()).isEqualTo(TransactionState.APPLIED);
            assertThat(tx.attempt()).isEqualTo(2);
        });
        assertThat(tracker.inFlightCount())
                .as("APPLIED: in flight until VISIBLE")
                .isEqualTo(1);
        assertThat(tracker.inFlightOperations("r-t1"))
                .as("not buffered here again: nothing to overlay")
                .isEmpty();
        tracker.replayedUpTo(Lsn.valueOf("0/30"));
        assertThat(state("t1")).isEqualTo(TransactionState.VISIBLE);
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void aRetryWhoseOutcomeOutranItsAcknowledgementKeepsTheOutcome() {
        failed("t1", 0);
        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED, 2, "0/30"));

        TrackedTransaction noted = tracker.retried("t1", 9, 2, "bob");

        assertThat(noted.state()).isEqualTo(TransactionState.APPLIED);
        assertThat(noted.retried().by()).isEqualTo("bob");
        assertThat(tracker.find("t1").orElseThrow()).isEqualTo(noted);
        assertThat(tracker.inFlightOperations("r-t1")).isEmpty();
    }

    @Test
    void aFailedTransactionIsCountedOnceItsOutcomeIsRepeated() {
        failed("t1", 0);
        tracker.outcome(outcome("t1", OutcomeStatus.FAILED, 1, "0/10"));

        assertThat(tracker.count(TransactionState.FAILED)).isEqualTo(1);
        assertThat(tracker.failedCount()).isEqualTo(1);
    }
}
