package io.opsdb.relay.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SiteStatus status = mock(SiteStatus.class);

    private static SiteConfiguration observatory() {
        return SiteConfiguration.load(Map.of("SITE_NAME", "observatory", "SITE_TYPE", "secondary")::get);
    }

    private static SiteConfiguration cologne() {
        return SiteConfiguration.load(Map.of("SITE_NAME", "cologne", "SITE_TYPE", "main")::get);
    }

    private RelayMetrics bound(SiteConfiguration site) {
        RelayMetrics metrics = new RelayMetrics(site, status);
        metrics.bindTo(registry);
        return metrics;
    }

    @Test
    void reportsASecondarysSettingsAndBufferFiguresAsGauges() {
        when(status.inFlightCount()).thenReturn(7);
        when(status.oldestInFlightAgeSeconds()).thenReturn(12.5);
        when(status.replicaLagBytes()).thenReturn(4096L);
        when(status.replicaLagSeconds()).thenReturn(1.25);
        bound(observatory());

        assertThat(registry.get("site.type.info")
                        .tag("site_name", "observatory")
                        .tag("site_type", "secondary")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("buffering.enabled").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("relay.in.flight.transactions").gauge().value()).isEqualTo(7.0);
        assertThat(registry.get("relay.oldest.in.flight.age").gauge().value()).isEqualTo(12.5);
        assertThat(registry.get("relay.replica.lag.bytes").gauge().value()).isEqualTo(4096.0);
        assertThat(registry.get("relay.replica.lag.seconds").gauge().value()).isEqualTo(1.25);

        when(status.inFlightCount()).thenReturn(3);
        assertThat(registry.get("relay.in.flight.transactions").gauge().value())
                .as("read at each scrape")
                .isEqualTo(3.0);
    }

    @Test
    void eachOriginSiteFoundAtTheMainSiteHasItsOwnLagPauseAndRefusedGauges() {
        OriginSiteFigures summit = new OriginSiteFigures("summit", OriginSiteFigures.State.PAUSED, 12L, null);
        OriginSiteFigures self = new OriginSiteFigures(
                "cologne", OriginSiteFigures.State.REFUSED, 3L, "'cologne' is the main site's own name");
        when(status.originSites()).thenReturn(List.of(summit));
        when(status.originSite("summit")).thenReturn(Optional.of(summit));
        when(status.originSite("cologne")).thenReturn(Optional.of(self));
        RelayMetrics metrics = bound(cologne());
        metrics.originSiteFound("cologne");

        assertThat(registry.get("relay.apply.lag")
                        .tag("origin_site", "summit")
                        .gauge()
                        .value())
                .isEqualTo(12.0);
        assertThat(registry.get("relay.applier.paused")
                        .tag("origin_site", "summit")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("relay.commands.refused")
                        .tag("origin_site", "summit")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("relay.commands.refused")
                        .tag("origin_site", "cologne")
                        .gauge()
                        .value())
                .isEqualTo(3.0);
        assertThat(registry.get("relay.apply.lag")
                        .tag("origin_site", "cologne")
                        .gauge()
                        .value())
                .isZero();

        when(status.originSite("summit"))
                .thenReturn(Optional.of(new OriginSiteFigures("summit", OriginSiteFigures.State.APPLYING, 0L, null)));
        assertThat(registry.get("relay.applier.paused")
                        .tag("origin_site", "summit")
                        .gauge()
                        .value())
                .as("read at each scrape")
                .isZero();
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
        assertThat(registry.get("site.type.info")
                        .tag("site_name", "cologne")
                        .tag("site_type", "main")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(registry.get("buffering.enabled").gauge().value()).isZero();
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isZero();
    }

    @Test
    void bufferingIsOffAtASecondaryWhenCriticalWritesGoStraightToThePrimary() {
        bound(SiteConfiguration.load(Map.of(
                "SITE_NAME",
                "observatory",
                "SITE_TYPE",
                "secondary",
                "CRITICAL_OPERATIONS_BUFFER",
                "false",
                "LSN_TRACKING_ENABLED",
                "false")::get));
        assertThat(registry.get("buffering.enabled").gauge().value()).isZero();
        assertThat(registry.get("lsn.tracking.enabled").gauge().value()).isZero();
    }

    @Test
    void theSitesOwnCountersStartAtZero() {
        bound(cologne());
        assertThat(registry.get(RelayMetrics.APPLIED)
                        .tag(RelayMetrics.ORIGIN_SITE, "cologne")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get(RelayMetrics.FAILED)
                        .tag(RelayMetrics.ORIGIN_SITE, "cologne")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get(RelayMetrics.LATENCY)
                        .tag(RelayMetrics.ORIGIN_SITE, "cologne")
                        .timer()
                        .count())
                .isZero();
    }

    @Test
    void theAppliedTotalIsEveryOriginSitesCountTogether() {
        RelayMetrics unbound = new RelayMetrics(cologne(), status);
        assertThat(unbound.appliedTotal()).as("before the meters are bound").isZero();
        RelayMetrics metrics = bound(cologne());

        metrics.applied("observatory");
        metrics.applied("observatory");
        metrics.applied("summit");
        metrics.failed("summit");

        assertThat(metrics.appliedTotal()).isEqualTo(3);
    }

    @Test
    void countsWhatTheRoleSettlesByOriginSiteWithItsLatency() {
        RelayMetrics metrics = bound(cologne());

        metrics.applied("observatory");
        metrics.settledAfter("observatory", Duration.ofMillis(2500));
        metrics.applied("observatory");
        metrics.settledAfter("observatory", Duration.ofMillis(500));
        metrics.failed("observatory");

        assertThat(registry.get(RelayMetrics.APPLIED)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get(RelayMetrics.FAILED)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        var latency = registry.get(RelayMetrics.LATENCY)
                .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                .timer();
        assertThat(latency.count()).isEqualTo(2);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3000.0);
        assertThat(latency.max(TimeUnit.MILLISECONDS)).isEqualTo(2500.0);
        assertThat(registry.get(RelayMetrics.APPLIED)
                        .tag(RelayMetrics.ORIGIN_SITE, "cologne")
                        .counter()
                        .count())
                .as("counted by origin, not by the site that counts")
                .isZero();
    }

    @Test
    void unreadableRecordsAreCountedByKindOriginAndFate() {
        RelayMetrics metrics = bound(cologne());

        metrics.unreadable(TransactionEvents.Unreadable.COMMAND, "observatory", true);
        metrics.failed("observatory");
        metrics.unreadable(TransactionEvents.Unreadable.COMMAND, "observatory", false);
        metrics.unreadable(TransactionEvents.Unreadable.COMMAND, "observatory", false);
        metrics.unreadable(TransactionEvents.Unreadable.OUTCOME, "unknown", false);

        assertThat(registry.get(RelayMetrics.UNREADABLE)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .tag(RelayMetrics.FATE, "transaction_failed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(RelayMetrics.UNREADABLE)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .tag(RelayMetrics.FATE, "unattributed")
                        .counter()
                        .count())
                .isEqualTo(2.0);
        assertThat(registry.get(RelayMetrics.FAILED)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .counter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get(RelayMetrics.UNREADABLE_OUTCOMES)
                        .tag(RelayMetrics.ORIGIN_SITE, "unknown")
                        .tag(RelayMetrics.FATE, "unattributed")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void eventsBeforeTheRegistryIsBoundAreNotCountedAndDoNotFail() {
        RelayMetrics metrics = new RelayMetrics(observatory(), status);

        metrics.applied("observatory");
        metrics.failed("observatory");
        metrics.settledAfter("observatory", Duration.ofSeconds(1));
        metrics.unreadable(TransactionEvents.Unreadable.COMMAND, "observatory", true);
        metrics.bindTo(registry);

        assertThat(registry.get(RelayMetrics.APPLIED)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .counter()
                        .count())
                .isZero();
        assertThat(registry.get(RelayMetrics.LATENCY)
                        .tag(RelayMetrics.ORIGIN_SITE, "observatory")
                        .timer()
                        .count())
                .isZero();
    }

    @Test
    void prometheusNamesAreTheDocumentedOnes() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        when(status.replicaLagSeconds()).thenReturn(0.0);
        RelayMetrics metrics = new RelayMetrics(observatory(), status);
        metrics.bindTo(prometheus);

        assertThat(prometheus.scrape())
                .contains(
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
}
