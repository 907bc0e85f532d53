package io.opsdb.relay.secondary;

import static io.opsdb.relay.secondary.internal.transaction.TrackerFixtures.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.KeyRecord;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.role.SiteProbes;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.secondary.internal.transaction.OperatorAction;
import io.opsdb.relay.secondary.internal.transaction.OutcomeListener;
import io.opsdb.relay.secondary.internal.transaction.ReplicaLsnPoller;
import io.opsdb.relay.secondary.internal.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.internal.transaction.TransactionActionRefusedException;
import io.opsdb.relay.secondary.internal.transaction.TransactionStateStreams;
import io.opsdb.relay.secondary.internal.transaction.TransactionTracker;
import io.opsdb.relay.secondary.internal.write.CommandPublisher;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.springframework.jdbc.core.JdbcTemplate;

class SecondarySiteRoleTest {

    private static final String TX = "00000000-0000-0000-0000-0000000000aa";
    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final TransactionTracker tracker = new TransactionTracker();
    private final CommandPublisher publisher = mock(CommandPublisher.class);
    private final PrimaryWrites primary = mock(PrimaryWrites.class);
    private final TransactionStateStreams stores = mock(TransactionStateStreams.class);
    private final BufferedIdempotencyRecords keys = new BufferedIdempotencyRecords(stores);
    private final ReplicaLsnPoller poller = mock(ReplicaLsnPoller.class);
    private final SiteProbes probes = mock(SiteProbes.class);

    private SecondarySiteRole role(String... settings) {
        Map<String, String> values = new HashMap<>(Map.of(
                "SITE_NAME",
                "observatory",
                "SITE_TYPE",
                "secondary",
                "TRANSACTION_STATE_STORE",
                "false",
                "LSN_TIMEOUT",
                "0.2"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        return new SecondarySiteRole(
                SiteConfiguration.load(values::get),
                tracker,
                publisher,
                primary,
                keys,
                poller,
                probes,
                mock(JdbcTemplate.class));
    }

    private static ClientRequest clientRequest() {
        return ClientRequest.newBuilder()
                .setPrincipal("observer")
                .setMethod("POST")
                .setPath("/executed_obs_units/start")
                .setIdempotencyKey("key-1")
                .setRequestHash("ab".repeat(32))
                .build();
    }

    private static TransactionOutcome outcome(String tx, OutcomeStatus status, String commitLsn) {
        return TransactionOutcome.newBuilder()
                .setTransactionId(tx)
                .setSite("observatory")
                .setStatus(status)
                .setCommitLsn(Lsn.valueOf(commitLsn).asLong())
                .setCommittedAt(NOW)
                .setError(status == OutcomeStatus.FAILED ? "no such record" : null)
                .build();
    }

    @Test
    void aCriticalWriteIsBufferedAndAnsweredAsTheBrokerAcknowledgedIt() {
        WriteRequest request = new WriteRequest(TX, List.of(start("r1")), WriteKind.CRITICAL, null);
        when(publisher.publish(request)).thenReturn(tracker.acknowledged(TX, 7, 1, request.operations(), NOW));

        WriteResult result = role().write(request);

        assertThat(result).isEqualTo(new WriteResult(TX, TransactionState.BUFFERED, null));
        verifyNoInteractions(primary);
    }

    @Test
    void aNonCriticalWriteGoesStraightToThePrimaryAndIsAnsweredOnceTheReplicaShowsIt() {
        tracker.replayedUpTo(Lsn.valueOf("0/200"));
        when(primary.write(any(), any())).thenReturn(Lsn.valueOf("0/100"));

        WriteResult result = role().write(new WriteRequest(TX, List.of(start("r1")), WriteKind.NON_CRITICAL, null));

        assertThat(result).isEqualTo(new WriteResult(TX, TransactionState.VISIBLE, Lsn.valueOf("0/100")));
        assertThat(tracker.find(TX))
                .get()
                .extracting(tx -> tx.latest().sequence())
                .as("not buffered")
                .isEqualTo(-1L);
        verify(publisher, never()).publish(any());
    }

    @Test
    void aDirectWriteTheReplicaDoesNotShowWithinLsnTimeoutIsAnsweredApplied() {
        when(primary.write(any(), any())).thenReturn(Lsn.valueOf("0/100"));

        WriteResult result = role().write(new WriteRequest(TX, List.of(start("r1")), WriteKind.NON_CRITICAL, null));

        assertThat(result.state()).isEqualTo(TransactionState.APPLIED);
    }

    @Test
    void aCriticalWriteGoesStraightToThePrimaryWhenBufferingIsOff() {
        tracker.replayedUpTo(Lsn.valueOf("0/200"));
        when(primary.write(any(), any())).thenReturn(Lsn.valueOf("0/100"));

        WriteResult result = role("CRITICAL_OPERATIONS_BUFFER", "false")
                .write(new WriteRequest(TX, List.of(start("r1")), WriteKind.CRITICAL, null));

        assertThat(result.state()).isEqualTo(TransactionState.VISIBLE);
        verifyNoInteractions(publisher);
    }

    @Test
    void aRetriedWriteWithAnIdempotencyKeyIsAnsweredFromItsTransactionNotWrittenAgain() {
        tracker.acknowledged(TX, 7, 1, List.of(start("r1")), NOW);

        WriteResult result =
                role().write(new WriteRequest(TX, List.of(start("r1")), WriteKind.CRITICAL, clientRequest()));

        assertThat(result).isEqualTo(new WriteResult(TX, TransactionState.BUFFERED, null));
        verifyNoInteractions(publisher, primary);
    }

    @Test
    void aNewWriteWithAnIdempotencyKeyClaimsTheKeyBeforeItIsBuffered() {
        WriteRequest request = new WriteRequest(TX, List.of(start("r1")), WriteKind.CRITICAL, clientRequest());
        when(publisher.publish(request)).thenAnswer(call -> {
            assertThat(keys.find(TX)).as("claimed first").contains(new KeyRecord("ab".repeat(32), null));
            return tracker.acknowledged(TX, 7, 1, request.operations(), NOW);
        });

        role().write(request);

        verify(publisher).publish(request);
    }

    @Test
    void aTrackedTransactionIsShownWithItsSequenceAndCommitLsnAndWithoutASite() {
        TrackedTransaction tx = new TrackedTransaction(
                TX,
                NOW,
                new TrackedTransaction.Attempt(7, 2, List.of()),
                new TrackedTransaction.Progress(
                        TransactionState.VISIBLE,
                        Lsn.valueOf("0/100"),
                        NOW.plusSeconds(1),
                        NOW.plusSeconds(2),
                        null,
                        null),
                new OperatorAction("operator", NOW));

        assertThat(SecondarySiteRole.status(tx))
                .isEqualTo(new TransactionStatus(
                        TX,
                        TransactionState.VISIBLE,
                        null,
                        7L,
                        2,
                        Lsn.valueOf("0/100"),
                        null,
                        NOW,
                        NOW.plusSeconds(1),
                        NOW.plusSeconds(2),
                        "operator",
                        NOW,
                        null,
                        null));
    }

    @Test
    void anOperatorActionATransactionDoesNotAllowIsRefusedWithTheTrackersReason() {
        TrackedTransaction buffered = tracker.acknowledged(TX, 7, 1, List.of(), NOW);
        when(publisher.retry(TX, "admin")).thenThrow(new TransactionActionRefusedException(buffered, "retried"));

        assertThatThrownBy(() -> role().retry(TX, "admin"))
                .isInstanceOf(OperatorActionRefusedException.class)
                .hasMessage("Transaction " + TX + " is BUFFERED: only a FAILED transaction can be retried.");
        assertThatThrownBy(() -> role().discard(TX, "admin"))
                .isInstanceOf(OperatorActionRefusedException.class)
                .hasMessage("Transaction " + TX + " is BUFFERED: only a FAILED transaction can be discarded.");
    }

    @Test
    void aFailedTransactionIsDiscardedByItsOperator() {
        tracker.acknowledged(TX, 7, 1, List.of(), NOW);
        tracker.outcome(outcome(TX, OutcomeStatus.FAILED, "0/100"));

        Optional<TransactionStatus> discarded = role().discard(TX, "admin");

        assertThat(discarded)
                .get()
                .extracting(TransactionStatus::state, TransactionStatus::discardedBy)
                .containsExactly(TransactionState.DISCARDED, "admin");
        assertThat(role().buffer().discarded()).isEqualTo(1L);
        assertThat(role().buffer().failed()).isZero();
    }

    @Test
    void itReportsTransactionsBeforeTheySettleAndWaitsForThem() {
        SecondarySiteRole role = role();
        tracker.acknowledged(TX, 7, 1, List.of(start("r1")), NOW);
        var settled = role.whenSettled(TX);

        assertThat(role.reportsUnsettled()).isTrue();
        assertThat(role.overlay().operations("r1"))
                .extracting(Operation::getRecordId)
                .containsExactly("r1");
        assertThat(role.overlay().recordIds(EntityType.EXECUTED_OBS_UNIT)).containsExactly("r1");
        assertThat(role.buffer().inFlight()).isEqualTo(1);
        assertThat(settled).isNotDone();

        tracker.outcome(outcome(TX, OutcomeStatus.APPLIED, "0/100"));
        tracker.replayedUpTo(Lsn.valueOf("0/100"));

        assertThat(settled).isCompleted();
        assertThat(settled.join().state()).isEqualTo(TransactionState.VISIBLE);
        assertThat(role.overlay().operations("r1")).isEmpty();
        assertThat(role.buffer().replicaReplayPosition()).isEqualTo(Lsn.valueOf("0/100"));
    }

    @Test
    void itsKafkaClusterAndOutcomeFollowerAreEssentialItsDatabaseAndReplicaAreNot() {
        when(probes.listenerRunning(OutcomeListener.ID)).thenReturn(true);
        when(probes.kafkaConnected()).thenReturn(true);
        when(probes.databaseReachable()).thenReturn(false);
        when(poller.isReplicaReachable()).thenReturn(false);

        assertThat(role().components())
                .containsExactly(
                        ComponentHealth.of("database", false, false),
                        ComponentHealth.of("kafka", true, true),
                        ComponentHealth.of("outcome_follower", true, true),
                        ComponentHealth.of("replica", false, false));
    }

    @Test
    void itsOwnTransactionsAreToldAsTheyAreAppliedFailOrBecomeVisibleTimedFromTheirAcknowledgement() {
        TransactionEvents events = mock(TransactionEvents.class);
        role().addListener(events);
        Instant acknowledged = Instant.now().minusMillis(500);

        tracker.acknowledged("t1", 0, 1, List.of(), acknowledged);
        tracker.acknowledged("t2", 1, 1, List.of(), acknowledged);
        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED, "1/10"));
        tracker.outcome(outcome("t2", OutcomeStatus.FAILED, "1/10"));
        InOrder told = inOrder(events);
        told.verify(events).applied("observatory");
        told.verify(events).failed("observatory");
        verify(events, never()).settledAfter(any(), any());

        tracker.replayedUpTo(Lsn.valueOf("1/10"));

        ArgumentCaptor<Duration> latency = ArgumentCaptor.forClass(Duration.class);
        told.verify(events).settledAfter(eq("observatory"), latency.capture());
        assertThat(latency.getValue()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        verifyNoMoreInteractions(events);
    }

    @Test
    void aVisibleTransactionIsTimedFromItsAcknowledgementToVisible() {
        TransactionEvents events = mock(TransactionEvents.class);

        SecondarySiteRole.events("observatory", events)
                .entered(new TrackedTransaction(
                        "t1",
                        0,
                        1,
                        List.of(),
                        TransactionState.VISIBLE,
                        NOW.minusMillis(3200),
                        Lsn.valueOf("1/10"),
                        NOW.minusMillis(1000),
                        NOW,
                        null));

        verify(events).settledAfter("observatory", Duration.ofMillis(3200));
    }
}
