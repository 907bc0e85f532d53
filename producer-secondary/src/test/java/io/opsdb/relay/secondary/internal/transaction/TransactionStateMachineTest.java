package io.opsdb.relay.secondary.internal.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.AppliedDirectly;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Buffered;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Discarded;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Expiry;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Outcome;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Replayed;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.RetryRequested;
import io.opsdb.relay.secondary.internal.transaction.TransactionEvent.Unreadable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every event in every state: the state it leads to, or why it changes nothing. */
class TransactionStateMachineTest {

    private static final String ID = "0b3c6f0e-8d3a-4e55-9a47-2f1f3c1f9b10";
    private static final Instant ACCEPTED = Instant.parse("2026-11-21T11:00:00Z");
    private static final Instant SETTLED = Instant.parse("2026-11-21T11:30:00Z");
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
    private static final Lsn COMMIT = Lsn.valueOf("0/50");
    private static final Operation OP = Operation.newBuilder()
            .setType(OperationType.CREATE)
            .setEntity(EntityType.EXECUTED_OBS_UNIT)
            .setRecordId("r1")
            .setValues(Map.of("status", "running"))
            .build();

    /**
     * Every stored transaction is at attempt 2 (its first was retried), sequence 5, so that an event can be about an
     * earlier, the same or a later attempt.
     */
    private static final TrackedTransaction BUFFERED =
            new TrackedTransaction(ID, 5, 2, List.of(OP), TransactionState.BUFFERED, ACCEPTED, null, null, null, null);

    private static final TrackedTransaction APPLIED = BUFFERED.applied(COMMIT, SETTLED);
    private static final TrackedTransaction VISIBLE = APPLIED.visible(SETTLED);
    private static final TrackedTransaction FAILED = BUFFERED.failed(SETTLED, "no such program");
    /** FAILED because its command could not be read: no operations. */
    private static final TrackedTransaction UNREADABLE = new TrackedTransaction(
            ID,
            5,
            2,
            List.of(),
            TransactionState.FAILED,
            ACCEPTED,
            null,
            SETTLED,
            null,
            "unreadable command: bad magic");

    private static final TrackedTransaction DISCARDED = FAILED.setAside(new OperatorAction("alice", SETTLED));

    private static final Map<String, TrackedTransaction> STATES = new LinkedHashMap<>();

    static {
        STATES.put("unknown", null);
        STATES.put("BUFFERED", BUFFERED);
        STATES.put("APPLIED", APPLIED);
        STATES.put("VISIBLE", VISIBLE);
        STATES.put("FAILED", FAILED);
        STATES.put("FAILED unreadable", UNREADABLE);
        STATES.put("DISCARDED", DISCARDED);
    }

    private static Buffered command(int attempt, long sequence, String retriedBy) {
        return new Buffered(ID, sequence, attempt, List.of(OP), ACCEPTED, retriedBy);
    }

    private static Outcome outcome(OutcomeStatus status, int attempt) {
        return new Outcome(attempt, status, status == OutcomeStatus.APPLIED ? Lsn.valueOf("0/70") : null, "refused");
    }

    /**
     * One row per event, one column per state as in {@link #STATES}: the state the transaction enters, {@code noted}
     * (a detail recorded, same state), {@code forgotten}, or the refusal.
     */
    private static final Object[][] TABLE = {
        // event                                                   unknown     BUFFERED          APPLIED
        // VISIBLE          FAILED           FAILED unreadable  DISCARDED
        {
            "the same command again",
            command(2, 5, null),
            "BUFFERED",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN"
        },
        {
            "an earlier attempt's command",
            command(1, 2, null),
            "BUFFERED",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN",
            "DELIVERED_AGAIN"
        },
        {
            "a retry its outcome outran",
            command(2, 9, "bob"),
            "BUFFERED",
            "DELIVERED_AGAIN",
            "noted",
            "noted",
            "noted",
            "noted",
            "noted"
        },
        {
            "an operator's retry",
            command(3, 9, "bob"),
            "BUFFERED",
            "NOT_FAILED",
            "NOT_FAILED",
            "NOT_FAILED",
            "BUFFERED",
            "BUFFERED",
            "NOT_FAILED"
        },
        {
            "APPLIED",
            outcome(OutcomeStatus.APPLIED, 2),
            "UNKNOWN",
            "APPLIED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED"
        },
        {
            "FAILED",
            outcome(OutcomeStatus.FAILED, 2),
            "UNKNOWN",
            "FAILED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED"
        },
        {
            "APPLIED, a later attempt",
            outcome(OutcomeStatus.APPLIED, 3),
            "UNKNOWN",
            "APPLIED",
            "APPLIED",
            "APPLIED",
            "APPLIED",
            "APPLIED",
            "APPLIED"
        },
        {
            "FAILED, a later attempt",
            outcome(OutcomeStatus.FAILED, 3),
            "UNKNOWN",
            "FAILED",
            "FAILED",
            "FAILED",
            "FAILED",
            "FAILED",
            "FAILED"
        },
        {
            "APPLIED, an earlier attempt",
            outcome(OutcomeStatus.APPLIED, 1),
            "UNKNOWN",
            "APPLIED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED"
        },
        {
            "FAILED, an earlier attempt",
            outcome(OutcomeStatus.FAILED, 1),
            "UNKNOWN",
            "STALE_ATTEMPT",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED"
        },
        {
            "a direct write",
            new AppliedDirectly(ID, List.of(OP), COMMIT, ACCEPTED),
            "APPLIED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED"
        },
        {
            "replayed up to its commit",
            new Replayed(COMMIT),
            "UNKNOWN",
            "NOT_APPLIED",
            "VISIBLE",
            "NOT_APPLIED",
            "NOT_APPLIED",
            "NOT_APPLIED",
            "NOT_APPLIED"
        },
        {
            "replayed short of it",
            new Replayed(Lsn.valueOf("0/4F")),
            "UNKNOWN",
            "NOT_APPLIED",
            "NOT_REPLAYED",
            "NOT_APPLIED",
            "NOT_APPLIED",
            "NOT_APPLIED",
            "NOT_APPLIED"
        },
        {
            "a retry asked for",
            new RetryRequested("bob"),
            "UNKNOWN",
            "NOT_FAILED",
            "NOT_FAILED",
            "NOT_FAILED",
            "BUFFERED",
            "NOTHING_TO_RETRY",
            "NOT_FAILED"
        },
        {
            "a discard",
            new Discarded("bob"),
            "UNKNOWN",
            "NOT_FAILED",
            "NOT_FAILED",
            "NOT_FAILED",
            "DISCARDED",
            "DISCARDED",
            "NOT_FAILED"
        },
        {
            "an unreadable command",
            unreadable(UnreadableRecord.Source.COMMAND),
            "FAILED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED",
            "ALREADY_TRACKED"
        },
        {
            "an unreadable outcome",
            unreadable(UnreadableRecord.Source.OUTCOME),
            "UNKNOWN",
            "FAILED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED",
            "NOT_BUFFERED"
        },
        {
            "the retention, passed",
            new Expiry(SETTLED.plusMillis(1)),
            "UNKNOWN",
            "NOT_EXPIRABLE",
            "NOT_EXPIRABLE",
            "forgotten",
            "NOT_EXPIRABLE",
            "NOT_EXPIRABLE",
            "forgotten"
        },
        {
            "the retention, not yet",
            new Expiry(SETTLED),
            "UNKNOWN",
            "NOT_EXPIRABLE",
            "NOT_EXPIRABLE",
            "NOT_DUE",
            "NOT_EXPIRABLE",
            "NOT_EXPIRABLE",
            "NOT_DUE"
        },
    };

    private static Unreadable unreadable(UnreadableRecord.Source source) {
        return new Unreadable(source, ID, 12, ACCEPTED, "unreadable: bad magic");
    }

    private static String outcomeOf(Transition transition) {
        return switch (transition.kind()) {
            case ENTERS -> transition.transaction().state().name();
            case NOTES -> "noted";
            case FORGETS -> "forgotten";
            case REFUSED -> transition.refusal().name();
        };
    }

    @Test
    void everyEventInEveryStateLeadsWhereTheTableSays() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Object[] row : TABLE) {
            int column = 2;
            for (Map.Entry<String, TrackedTransaction> state : STATES.entrySet()) {
                String expected = (String) row[column++];
                String actual =
                        outcomeOf(TransactionStateMachine.next(state.getValue(), (TransactionEvent) row[1], NOW));
                cells++;
                if (!actual.equals(expected)) {
                    wrong.add(row[0] + " in " + state.getKey() + ": " + actual + ", not " + expected);
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(cells).isEqualTo(19 * 7);
    }

    @Test
    void theTableCoversEveryKindOfEventAndEveryRefusal() {
        List<Class<?>> kinds = Arrays.stream(TABLE)
                .<Class<?>>map(row -> row[1].getClass())
                .distinct()
                .toList();
        assertThat(kinds).containsExactlyInAnyOrder(TransactionEvent.class.getPermittedSubclasses());
        List<String> outcomes = Arrays.stream(TABLE)
                .flatMap(row -> Arrays.stream(row, 2, row.length))
                .map(String.class::cast)
                .distinct()
                .toList();
        for (Transition.Refusal refusal : Transition.Refusal.values()) {
            assertThat(outcomes).as("some cell is refused for %s", refusal).contains(refusal.name());
        }
        for (TransactionState state : TransactionState.values()) {
            assertThat(outcomes).as("some cell enters %s", state).contains(state.name());
        }
    }

    private static TrackedTransaction entered(TrackedTransaction current, TransactionEvent event) {
        Transition transition = TransactionStateMachine.next(current, event, NOW);
        assertThat(transition.enters()).as(outcomeOf(transition)).isTrue();
        return transition.transaction();
    }

    @Test
    void aFirstCommandIsBufferedAtItsOffsetAsAcceptedWithNoOperatorAction() {
        TrackedTransaction tx = entered(null, command(1, 17, null));

        assertThat(tx)
                .isEqualTo(new TrackedTransaction(
                        ID, 17, 1, List.of(OP), TransactionState.BUFFERED, ACCEPTED, null, null, null, null));
    }

    @Test
    void aRetryIsBufferedAtItsNewOffsetAsTheNextAttemptWithTheCommandsOperationsAndWhoRetriedIt() {
        TrackedTransaction again = entered(UNREADABLE, command(3, 9, "bob"));

        assertThat(again.latest().sequence()).isEqualTo(9);
        assertThat(again.attempt()).isEqualTo(3);
        assertThat(again.latest().operations()).containsExactly(OP);
        assertThat(again.acknowledgedAt()).as("the first acceptance still").isEqualTo(ACCEPTED);
        assertThat(again.progress().error()).isNull();
        assertThat(again.retried()).isEqualTo(new OperatorAction("bob", NOW));
    }

    @Test
    void aRetryWhoseOutcomeCameFirstOnlyNotesWhoRetriedItOnce() {
        Transition noted = TransactionStateMachine.next(APPLIED, command(2, 9, "bob"), NOW);

        assertThat(noted.transaction()).isEqualTo(APPLIED.withRetry(new OperatorAction("bob", NOW)));
        assertThat(outcomeOf(TransactionStateMachine.next(noted.transaction(), command(2, 9, "bob"), NOW)))
                .as("delivered again")
                .isEqualTo("DELIVERED_AGAIN");
    }

    @Test
    void anAppliedOutcomeCarriesItsCommitLsnAndALaterAttemptIsFollowed() {
        TrackedTransaction applied = entered(BUFFERED, outcome(OutcomeStatus.APPLIED, 2));
        TrackedTransaction following = entered(FAILED, outcome(OutcomeStatus.APPLIED, 3));

        assertThat(applied.progress().commitLsn()).isEqualTo(Lsn.valueOf("0/70"));
        assertThat(applied.progress().appliedAt()).isEqualTo(NOW);
        assertThat(following.attempt()).isEqualTo(3);
        assertThat(following.progress().error()).isNull();
        assertThat(following.latest().sequence()).as("not buffered here again").isEqualTo(5);
    }

    @Test
    void anEarlierAttemptAppliedSettlesTheAttemptInFlightBecauseTheMainSiteSkipsLaterOnes() {
        TrackedTransaction applied = entered(BUFFERED, outcome(OutcomeStatus.APPLIED, 1));

        assertThat(applied.attempt()).isEqualTo(2);
        assertThat(applied.progress().commitLsn()).isEqualTo(Lsn.valueOf("0/70"));
    }

    @Test
    void aFailedOutcomeAndAnUnreadableOneKeepTheirReasons() {
        assertThat(entered(BUFFERED, outcome(OutcomeStatus.FAILED, 2))
                        .progress()
                        .error())
                .isEqualTo("refused");
        assertThat(entered(BUFFERED, unreadable(UnreadableRecord.Source.OUTCOME)))
                .satisfies(tx -> {
                    assertThat(tx.progress().error()).isEqualTo("unreadable: bad magic");
                    assertThat(tx.latest().operations())
                            .as("still known: a retry applies them")
                            .containsExactly(OP);
                });
    }

    @Test
    void anUnreadableCommandIsItsTransactionsFirstAttemptFailedWithNoOperations() {
        TrackedTransaction tx = entered(null, unreadable(UnreadableRecord.Source.COMMAND));

        assertThat(tx)
                .isEqualTo(new TrackedTransaction(
                        ID,
                        12,
                        1,
                        List.of(),
                        TransactionState.FAILED,
                        ACCEPTED,
                        null,
                        NOW,
                        null,
                        "unreadable: bad magic"));
    }

    @Test
    void aDirectWriteIsAppliedOutsideTheSitesOrder() {
        TrackedTransaction tx = entered(null, new AppliedDirectly(ID, List.of(OP), COMMIT, ACCEPTED));

        assertThat(tx.latest().sequence()).isEqualTo(-1);
        assertThat(tx.attempt()).isEqualTo(1);
        assertThat(tx.progress().commitLsn()).isEqualTo(COMMIT);
    }

    @Test
    void visibleAndDiscardedRecordWhenAndWhoAndKeepWhatCameBefore() {
        TrackedTransaction visible = entered(APPLIED, new Replayed(Lsn.valueOf("1/0")));
        TrackedTransaction discarded = entered(FAILED, new Discarded("bob"));

        assertThat(visible.progress().visibleAt()).isEqualTo(NOW);
        assertThat(visible.progress().commitLsn()).isEqualTo(COMMIT);
        assertThat(discarded.progress().discarded()).isEqualTo(new OperatorAction("bob", NOW));
        assertThat(discarded.progress().error()).isEqualTo("no such program");
    }

    @Test
    void theRetentionCountsFromWhenATransactionSettledInMilliseconds() {
        assertThat(TransactionStateMachine.settledAt(VISIBLE)).isEqualTo(SETTLED);
        assertThat(TransactionStateMachine.settledAt(DISCARDED)).isEqualTo(SETTLED);
        TrackedTransaction late = APPLIED.visible(SETTLED.plusNanos(999_999));
        assertThat(outcomeOf(TransactionStateMachine.next(late, new Expiry(SETTLED.plus(Duration.ofNanos(500))), NOW)))
                .as("the same millisecond")
                .isEqualTo("NOT_DUE");
    }
}
