package io.opsdb.relay.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.lsn.Lsn;
import io.opsdb.relay.main.apply.ApplyListener;
import io.opsdb.relay.main.apply.IncomingCommand;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.OutcomeStatus;
import io.opsdb.relay.schema.TransactionOutcome;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.secondary.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.transaction.TransactionListener;
import io.opsdb.relay.secondary.transaction.TransactionState;
import io.opsdb.relay.secondary.transaction.TransactionTracker;
import io.opsdb.relay.secondary.transaction.UnreadableRecord;
import io.opsdb.relay.site.SiteConfiguration;

class RelayMetricsTest {

    private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SiteStatus status = mock(SiteStatus.class);

    private static SiteConfiguration observatory() {
        return SiteConfiguration.load(Map.of("SITE_NAME", "observatory", "SITE_TYPE", "secondary")::get);
    }

    private static SiteConfiguration cologne() {
        return SiteConfiguration.load(Map.of("SITE_NAME", "cologne", "SITE_TYPE", "main")::get);
    }

    private RelayMetrics bound(SiteConfiguration site) {
        RelayMetrics metrics = new RelayMetrics(site, status, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.bindTo(registry);
        return metrics;
    }

    private static IncomingCommand command(String site, Instant acceptedAt) {
        Operation op = Operation.newBuilder().setType(OperationType.CREATE).setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId("00000000-0000-0000-0000-000000000001").setValues(Map.of("status", "running")).build();
        WriteCommand command = WriteCommand.newBuilder().setTransactionId("00000000-0000-0000-0000-0000000000aa")
                .setSite(site).setAcceptedAt(acceptedAt).setAttempt(1).setOperations(List.of(op)).build();
        return new IncomingCommand("observatory.ops.commands", 0, 0, command);
    }

    @Test
    void reportsASecondarysSettingsAndBufferFiguresAsGauges() {
        when(status.inFlightCount()).thenReturn(7);
        when(status.oldestInFlightAgeSeconds()).thenReturn(12.5);
        when(status.replicaLagBytes()).thenReturn(4096L);
        when(status.replicaLagSeconds()).thenReturn(1.25);
        bound(observatory());

        assertThat(registry.get("site.type.info").tag("site_name", "observatory").tag("site_type", "secondary")
                .gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("buffering.enabled").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("relay.in.flight.transactions").gauge().value()).isEqualTo(7.0);
        assertThat(registry.get("relay.oldest.in.flight.age").gauge().value()).isEqualTo(12.5);
        assertThat(registry.get("relay.replica.lag.bytes").gauge().value()).isEqualTo(4096.0);
        assertThat(registry.get("relay.replica.lag.seconds").gauge().value()).isEqualTo(1.25);

        when(status.inFlightCount()).thenReturn(3);
        assertThat(registry.get("relay.in.flight.transactions").gauge().value())
                .as("read at each scrape").isEqualTo(3.0);
    }

    @Test
    void aReplicaLagThatCannotBeReadIsNaN() {
        when(status.replicaLagSeconds()).thenReturn(null);
        bound(observatory());
        assertThat(registry.get("relay.replica.lag.seconds").gauge().value()).isNaN();
    }

    @Test
    void aMainSiteNeitherBuffersNorTracksAReplica() {
        bound(cologne());
        assertThat(registry.get("site.type.info").tag("site_name", "cologne").tag("site_type", "main").gauge().value())
                .isEqualTo(1.0);
        assertThat(registry.get("buffering.enabled").gauge().value()).isZero();
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isZero();
    }

    @Test
    void bufferingIsOffAtASecondaryWhenCriticalWritesGoStraightToThePrimary() {
        bound(SiteConfiguration.load(Map.of("SITE_NAME", "observatory", "SITE_TYPE", "secondary",
                "CRITICAL_OPERATIONS_BUFFER", "false", "LSN_TRACKING_ENABLED", "false")::get));
        assertThat(registry.get("buffering.enabled").gauge().value()).isZero();
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isZero();
    }

    @Test
    void theSitesOwnCountersStartAtZero() {
        bound(cologne());
        assertThat(registry.get(RelayMetrics.APPLIED).tag(RelayMetrics.ORIGIN_SITE, "cologne").counter().count()).isZero();
        assertThat(registry.get(RelayMetrics.FAILED).tag(RelayMetrics.ORIGIN_SITE, "cologne").counter().count()).isZero();
        assertThat(registry.get(RelayMetrics.LATENCY).tag(RelayMetrics.ORIGIN_SITE, "cologne").timer().count()).isZero();
    }

    @Test
    void theMainSiteCountsWhatItsApplierSettlesByOriginSiteTimedFromAcceptance() {
        ApplyListener listener = bound(cologne()).applyListener();

        listener.applied(command("observatory", NOW.minusMillis(2500)));
        listener.applied(command("observatory", NOW.minusMillis(500)));
        listener.failed(command("observatory", NOW), "executed_obs_unit 42 does not exist");

        assertThat(registry.get(RelayMetrics.APPLIED).tag(RelayMetrics.ORIGIN_SITE, "observatory").counter().count())
                .isEqualTo(2.0);
        assertThat(registry.get(RelayMetrics.FAILED).tag(RelayMetrics.ORIGIN_SITE, "observatory").counter().count())
                .isEqualTo(1.0);
        var latency = registry.get(RelayMetrics.LATENCY).tag(RelayMetrics.ORIGIN_SITE, "observatory").timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3000.0);
        assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(2500.0);
    }

    @Test
    void aSecondaryCountsItsTransactionsFromTheirOutcomesAndTimesThemToVisible() {
        RelayMetrics metrics = bound(observatory());
        TransactionTracker tracker = new TransactionTracker();
        tracker.addListener(metrics.transactionListener());

        tracker.acknowledged("t1", 0, 1, List.of(), Instant.now());
        tracker.acknowledged("t2", 1, 1, List.of(), Instant.now());
        tracker.outcome(outcome("t1", OutcomeStatus.APPLIED));
        tracker.outcome(outcome("t2", OutcomeStatus.FAILED));
        var applied = registry.get(RelayMetrics.APPLIED).tag(RelayMetrics.ORIGIN_SITE, "observatory").counter();
        var latency = registry.get(RelayMetrics.LATENCY).tag(RelayMetrics.ORIGIN_SITE, "observatory").timer();
        assertThat(applied.count()).isEqualTo(1.0);
        assertThat(latency.count()).as("not yet visible").isZero();

        tracker.replayedUpTo(Lsn.valueOf("1/10"));

        assertThat(applied.count()).isEqualTo(1.0);
        assertThat(registry.get(RelayMetrics.FAILED).tag(RelayMetrics.ORIGIN_SITE, "observatory").counter().count())
                .isEqualTo(1.0);
        assertThat(latency.count()).isEqualTo(1);
    }

    @Test
    void aSecondaryTimesATransactionFromItsAcknowledgementToVisible() {
        TransactionListener listener = bound(observatory()).transactionListener();

        listener.entered(new TrackedTransaction("t1", 0, 1, List.of(), TransactionState.VISIBLE, NOW.minusMillis(3200),
                Lsn.valueOf("1/10"), NOW.minusMillis(1000), NOW, null));

        var latency = registry.get(RelayMetrics.LATENCY).tag(RelayMetrics.ORIGIN_SITE, "observatory").timer();
        assertThat(latency.count()).isEqualTo(1);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3200.0);
    }

    private static UnreadableRecord unreadable(UnreadableRecord.Source source, String site) {
        return new UnreadableRecord(source, "cologne.ops.outcomes", 0, 42, NOW, null, new byte[] {1}, new RecordHeaders(),
                null, site, "unreadable: bad magic");
    }

    @Test
    void aSecondaryCountsTheRecordsItCouldNotReadByKindOriginAndFate() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RelayMetrics metrics = new RelayMetrics(observatory(), status, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.bindTo(prometheus);
        TransactionListener listener = metrics.transactionListener();

        listener.unreadable(unreadable(UnreadableRecord.Source.COMMAND, "observatory"),
                UnreadableRecord.Fate.TRANSACTION_FAILED);
        listener.unreadable(unreadable(UnreadableRecord.Source.OUTCOME, "observatory"),
                UnreadableRecord.Fate.TRANSACTION_FAILED);
        listener.unreadable(unreadable(UnreadableRecord.Source.OUTCOME, "observatory"),
                UnreadableRecord.Fate.TRANSACTION_FAILED);
        listener.unreadable(unreadable(UnreadableRecord.Source.OUTCOME, null), UnreadableRecord.Fate.UNATTRIBUTED);

        assertThat(prometheus.scrape()).contains(
                "relay_commands_unreadable_total{fate=\"transaction_failed\",origin_site=\"observatory\"} 1",
                "relay_outcomes_unreadable_total{fate=\"transaction_failed\",origin_site=\"observatory\"} 2",
                "relay_outcomes_unreadable_total{fate=\"unattributed\",origin_site=\"unknown\"} 1");
    }

    @Test
    void prometheusNamesAreTheDocumentedOnes() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        when(status.replicaLagSeconds()).thenReturn(0.0);
        RelayMetrics metrics = new RelayMetrics(observatory(), status, Clock.fixed(NOW, ZoneOffset.UTC));
        metrics.bindTo(prometheus);

        assertThat(prometheus.scrape()).contains(
                "site_type_info{site_name=\"observatory\",site_type=\"secondary\"} 1",
                "buffering_enabled 1",
                "lsn_tracking_enabled 1",
                "relay_in_flight_transactions 0",
                "relay_oldest_in_flight_age_seconds 0",
                "relay_replica_lag_bytes 0",
                "relay_replica_lag_seconds 0",
                "relay_transactions_applied_total{origin_site=\"observatory\"} 0",
                "relay_transactions_failed_total{origin_site=\"observatory\"} 0",
                "relay_apply_latency_seconds_bucket{origin_site=\"observatory\",le=\"+Inf\"} 0",
                "relay_apply_latency_seconds_count{origin_site=\"observatory\"} 0");
    }

    private static TransactionOutcome outcome(String tx, OutcomeStatus status) {
        return TransactionOutcome.newBuilder().setTransactionId(tx).setSite("observatory").setStatus(status)
                .setCommitLsn(Lsn.valueOf("1/10").asLong()).setCommittedAt(NOW)
                .setError(status == OutcomeStatus.FAILED ? "no such record" : null).build();
    }
}
