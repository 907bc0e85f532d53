package io.opsdb.relay.main;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.main.internal.apply.SiteAppliers;
import io.opsdb.relay.main.internal.ledger.LedgerActionRefusedException;
import io.opsdb.relay.main.internal.ledger.LedgerEntry;
import io.opsdb.relay.main.internal.ledger.LedgerState;
import io.opsdb.relay.main.internal.ledger.RelayLedger;
import io.opsdb.relay.main.internal.outcome.LedgerCapture;
import io.opsdb.relay.role.ComponentHealth;
import io.opsdb.relay.role.ComponentHealth.State;
import io.opsdb.relay.role.InFlightOverlay;
import io.opsdb.relay.role.OperatorActionRefusedException;
import io.opsdb.relay.role.PrimaryWrites;
import io.opsdb.relay.role.SiteProbes;
import io.opsdb.relay.role.TransactionState;
import io.opsdb.relay.role.TransactionStatus;
import io.opsdb.relay.role.WriteKind;
import io.opsdb.relay.role.WriteRequest;
import io.opsdb.relay.role.WriteResult;
import io.opsdb.relay.schema.ClientRequest;
import io.opsdb.relay.schema.WriteCommand;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class MainSiteRoleTest {

    private static final String TX = "00000000-0000-0000-0000-0000000000aa";
    private static final Instant ACCEPTED = Instant.parse("2026-11-21T12:00:00Z");
    private static final Instant APPLIED = Instant.parse("2026-11-21T12:00:01Z");

    private final PrimaryWrites primary = mock(PrimaryWrites.class);
    private final RelayLedger ledger = mock(RelayLedger.class);
    private final PrimaryIdempotencyRecords keys = mock(PrimaryIdempotencyRecords.class);
    private final SiteAppliers appliers = mock(SiteAppliers.class);
    private final LedgerCapture capture = mock(LedgerCapture.class);
    private final SiteProbes probes = mock(SiteProbes.class);
    private final MainSiteRole role =
            new MainSiteRole(primary, ledger, keys, new ApplyEvents(), appliers, capture, probes);

    private static LedgerEntry entry(LedgerState state, String error) {
        return new LedgerEntry(
                TX,
                "observatory",
                state,
                2,
                error,
                ACCEPTED,
                APPLIED,
                "observatory.ops.commands",
                0,
                41,
                "operator",
                APPLIED,
                state == LedgerState.DISCARDED ? "admin" : null,
                state == LedgerState.DISCARDED ? APPLIED : null);
    }

    @Test
    void aWriteGoesStraightToThePrimaryAndIsVisibleAtOnce() {
        when(primary.write(any(), any())).thenReturn(Lsn.valueOf("0/1A2B"));

        WriteResult result = role.write(new WriteRequest(TX, List.of(), WriteKind.CRITICAL, null));

        assertThat(result).isEqualTo(new WriteResult(TX, TransactionState.VISIBLE, Lsn.valueOf("0/1A2B")));
        verifyNoInteractions(keys);
    }

    @Test
    void aWriteWithAnIdempotencyKeyClaimsTheKeyBeforeItWrites() {
        ClientRequest request = ClientRequest.newBuilder()
                .setPrincipal("observer")
                .setMethod("POST")
                .setPath("/sources")
                .setIdempotencyKey("key-1")
                .setRequestHash("ab".repeat(32))
                .build();
        when(primary.write(any(), any())).thenReturn(Lsn.valueOf("0/1A2B"));

        role.write(new WriteRequest(TX, List.of(), WriteKind.NON_CRITICAL, request));

        verify(keys).claim(TX, request);
    }

    @Test
    void anAppliedLedgerRowIsAVisibleTransactionOfItsSiteWithoutACommitLsnOrSequence() {
        TransactionStatus status = MainSiteRole.status(entry(LedgerState.APPLIED, null));

        assertThat(status)
                .isEqualTo(new TransactionStatus(
                        TX,
                        TransactionState.VISIBLE,
                        "observatory",
                        null,
                        2,
                        null,
                        null,
                        ACCEPTED,
                        APPLIED,
                        APPLIED,
                        "operator",
                        APPLIED,
                        null,
                        null));
    }

    @Test
    void aFailedOrDiscardedLedgerRowIsNeverVisible() {
        assertThat(MainSiteRole.status(entry(LedgerState.FAILED, "no such record")))
                .extracting(TransactionStatus::state, TransactionStatus::visibleAt, TransactionStatus::error)
                .containsExactly(TransactionState.FAILED, null, "no such record");
        assertThat(MainSiteRole.status(entry(LedgerState.DISCARDED, "no such record")))
                .extracting(TransactionStatus::state, TransactionStatus::discardedBy, TransactionStatus::visibleAt)
                .containsExactly(TransactionState.DISCARDED, "admin", null);
    }

    @Test
    void listsVisibleFailedAndDiscardedFromTheLedgerAndNothingBufferedOrApplied() {
        when(ledger.list(LedgerState.APPLIED, null, 10)).thenReturn(List.of(entry(LedgerState.APPLIED, null)));

        assertThat(role.list(TransactionState.VISIBLE, null, 10))
                .extracting(TransactionStatus::transactionId)
                .containsExactly(TX);
        assertThat(role.list(TransactionState.BUFFERED, null, 10)).isEmpty();
        assertThat(role.list(TransactionState.APPLIED, null, 10)).isEmpty();
    }

    @Test
    void aRefusedActionIsSaidInTheApisStates() {
        when(ledger.discard(TX, "admin"))
                .thenThrow(new LedgerActionRefusedException("Transaction " + TX + " is APPLIED", LedgerState.APPLIED));

        assertThatThrownBy(() -> role.discard(TX, "admin"))
                .isInstanceOf(OperatorActionRefusedException.class)
                .hasMessage("Transaction " + TX + " is VISIBLE: only a FAILED transaction can be discarded.");
    }

    @Test
    void aRetryThatCannotBeAppliedForItsCommandKeepsTheLedgersReason() {
        when(ledger.retry(TX, "admin"))
                .thenThrow(new LedgerActionRefusedException("its command was not kept", LedgerState.FAILED));

        assertThatThrownBy(() -> role.retry(TX, "admin"))
                .isInstanceOf(OperatorActionRefusedException.class)
                .hasMessage("its command was not kept");
    }

    @Test
    void anUnknownTransactionIsNeitherRetriedNorDiscarded() {
        when(ledger.retry(TX, "admin")).thenReturn(Optional.empty());
        when(ledger.discard(TX, "admin")).thenReturn(Optional.empty());

        assertThat(role.retry(TX, "admin")).isEmpty();
        assertThat(role.discard(TX, "admin")).isEmpty();
    }

    @Test
    void whatItReportsIsSettledAndNothingIsInFlight() {
        when(ledger.find(TX)).thenReturn(Optional.of(entry(LedgerState.APPLIED, null)));

        assertThat(role.reportsUnsettled()).isFalse();
        assertThat(role.whenSettled(TX)).isCompletedWithValue(MainSiteRole.status(entry(LedgerState.APPLIED, null)));
        assertThat(role.overlay()).isSameAs(InFlightOverlay.NONE);
        assertThat(role.buffer().inFlight()).isZero();
        assertThat(role.buffer().replicaReplayPosition())
                .as("no replica of its own")
                .isNull();
        assertThat(role.buffer().replicaLagSeconds()).isZero();
    }

    @Test
    void failedAndDiscardedAreCountedInTheLedgerOrUnknownWhileItIsUnreachable() {
        when(ledger.count(LedgerState.FAILED)).thenReturn(3L);
        when(ledger.count(LedgerState.DISCARDED)).thenThrow(new DataAccessResourceFailureException("primary down"));

        assertThat(role.buffer().failed()).isEqualTo(3L);
        assertThat(role.buffer().discarded()).isNull();
    }

    @Test
    void everyComponentIsEssentialAndTheApplierIsPausedAfterItsRetries() {
        when(probes.databaseReachable()).thenReturn(true);
        when(probes.kafkaConnected()).thenReturn(true);
        when(appliers.hasAppliedSites()).thenReturn(true);
        when(appliers.allRunning()).thenReturn(true);
        when(capture.isStreaming()).thenReturn(false);

        assertThat(role.components())
                .containsExactly(
                        ComponentHealth.of("database", true, true),
                        ComponentHealth.of("kafka", true, true),
                        ComponentHealth.of("applier", true, true),
                        ComponentHealth.of("outcome_stream", false, true));

        when(appliers.anyPaused()).thenReturn(true);

        assertThat(role.components()).contains(new ComponentHealth("applier", State.PAUSED, true));

        when(appliers.allRunning()).thenReturn(false);

        assertThat(role.components()).contains(ComponentHealth.of("applier", false, true));
    }

    @Test
    void withoutASiteYetKafkaIsUpWhileTheMainClusterAnswers() {
        when(appliers.hasAppliedSites()).thenReturn(false);
        when(appliers.clusterAnswers()).thenReturn(true);

        assertThat(role.components()).contains(ComponentHealth.of("kafka", true, true));

        when(appliers.clusterAnswers()).thenReturn(false);

        assertThat(role.components()).contains(ComponentHealth.of("kafka", false, true));
    }

    @Test
    void theApplierIsToldToTheRolesListeners() {
        ApplyEvents events = new ApplyEvents();
        MainSiteRole listened = new MainSiteRole(primary, ledger, keys, events, appliers, capture, probes);
        ApplyEventsTest.Recorded recorded = new ApplyEventsTest.Recorded();

        listened.addListener(recorded);
        events.failed(
                new IncomingCommand(
                        "direct",
                        -1,
                        -1,
                        WriteCommand.newBuilder()
                                .setTransactionId(TX)
                                .setSite("cologne")
                                .setAcceptedAt(ACCEPTED)
                                .setAttempt(1)
                                .setOperations(List.of())
                                .build()),
                "refused");

        assertThat(recorded.calls).containsExactly("failed cologne");
    }
}
