package io.opsdb.relay.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.role.OriginSiteFigures;
import io.opsdb.relay.role.TransactionEvents;
import io.opsdb.relay.site.SiteConfiguration;
import java.time.Duration;

/**
 * The relay's own meters, as Prometheus names them at {@code /actuator/prometheus}:
 * <ul>
 * <li>{@code site_type_info{site_name,site_type}} 1; {@code buffering_enabled} and
 * {@code lsn_tracking_enabled}, 1 or 0, what this site actually does (a main site neither buffers nor
 * tracks a replica);</li>
 * <li>{@code relay_in_flight_transactions}, {@code relay_oldest_in_flight_age_seconds},
 * {@code relay_replica_lag_bytes}, {@code relay_replica_lag_seconds}: read from {@link SiteStatus} at
 * scrape time (the replica lag is cached there, so a scrape does not query the replica each time);</li>
 * <li>{@code relay_transactions_applied_total}, {@code relay_transactions_failed_total} and the
 * {@code relay_apply_latency_seconds} histogram, by {@code origin_site}, as the site's role tells them
 * ({@link TransactionEvents}): at the main site every command its applier settles (from the command's
 * {@code accepted_at} to its commit), at a secondary every one of its own transactions as the main site's outcomes
 * report them (from its acknowledgement to VISIBLE);</li>
 * <li>{@code relay_commands_unreadable_total}, by {@code origin_site} and {@code fate}, at the main site: records
 * on a commands topic that are not a readable command, set aside as dead letters. {@code fate="transaction_failed"}:
 * their headers named the transaction, now FAILED with the reason (also counted in
 * {@code relay_transactions_failed_total}); {@code fate="unattributed"}: no transaction could be told, so only
 * this counter and the dead letter show it;</li>
 * <li>at the main site, for each origin site as its commands are found: {@code relay_apply_lag_commands}, the
 * commands mirrored here and not yet applied; {@code relay_applier_paused}, 1 while that site's applier waits out a
 * pause after its retries; and {@code relay_commands_refused}, the commands of a site refused for its name (not a
 * valid site name, or the main site's own), never applied. Each site's applier is its own, so each site's figures
 * are too.</li>
 * </ul>
 */
public class RelayMetrics implements MeterBinder, TransactionEvents {

    static final String APPLIED = "relay.transactions.applied";
    static final String FAILED = "relay.transactions.failed";
    static final String LATENCY = "relay.apply.latency";
    static final String UNREADABLE = "relay.commands.unreadable";
    static final String UNREADABLE_OUTCOMES = "relay.outcomes.unreadable";
    static final String FATE = "fate";
    static final String ORIGIN_SITE = "origin_site";
    static final String APPLY_LAG = "relay.apply.lag";
    static final String APPLIER_PAUSED = "relay.applier.paused";
    static final String REFUSED = "relay.commands.refused";

    /** Histogram range: a local apply takes milliseconds; past an hour a WAN outage is the story, not the bucket. */
    private static final Duration LATENCY_MIN = Duration.ofMillis(5);

    private static final Duration LATENCY_MAX = Duration.ofHours(1);

    private final SiteConfiguration site;
    private final SiteStatus status;
    private volatile MeterRegistry registry;

    public RelayMetrics(SiteConfiguration site, SiteStatus status) {
        this.site = site;
        this.status = status;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("site.type.info", () -> 1)
                .description("This site: its name and type")
                .tag("site_name", site.siteName())
                .tag("site_type", site.siteType().value())
                .register(registry);
        Gauge.builder("buffering.enabled", () -> flag(site.buffersCriticalWrites()))
                .description("1 when this site buffers its critical writes in its Kafka cluster")
                .register(registry);
        Gauge.builder("lsn.tracking.enabled", () -> flag(site.isSecondarySite() && site.lsnTrackingEnabled()))
                .description("1 when this site polls its replica's replay LSN to report transactions VISIBLE")
                .register(registry);
        Gauge.builder("relay.in.flight.transactions", status::inFlightCount)
                .description("Transactions of this site acknowledged but not yet VISIBLE or FAILED")
                .register(registry);
        Gauge.builder("relay.oldest.in.flight.age", status::oldestInFlightAgeSeconds)
                .baseUnit("seconds")
                .description("Age of the oldest transaction in flight, 0 when none is")
                .register(registry);
        Gauge.builder("relay.replica.lag.bytes", status::replicaLagBytes)
                .baseUnit("bytes")
                .description("WAL bytes between the newest commit heard of and the replica's replay position")
                .register(registry);
        Gauge.builder("relay.replica.lag.seconds", () -> orNaN(status.replicaLagSeconds()))
                .baseUnit("seconds")
                .description("How far the replica is behind the primary; NaN while it cannot be read")
                .register(registry);
        this.registry = registry;
        // This site's own series exist from the start, so a rate over them starts at zero.
        counter(APPLIED, site.siteName());
        counter(FAILED, site.siteName());
        latency(site.siteName());
        // Sites found before the meters were bound (found later, each is told by itself).
        status.originSites().forEach(origin -> originSiteFound(origin.site()));
    }

    /** Transactions applied so far, every origin site's together (0 before the meters are bound). */
    public long appliedTotal() {
        MeterRegistry bound = registry;
        if (bound == null) {
            return 0;
        }
        return (long) bound.find(APPLIED).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    @Override
    public void applied(String originSite) {
        if (registry != null) {
            counter(APPLIED, originSite).increment();
        }
    }

    @Override
    public void failed(String originSite) {
        if (registry != null) {
            counter(FAILED, originSite).increment();
        }
    }

    @Override
    public void settledAfter(String originSite, Duration latency) {
        if (registry != null) {
            latency(originSite).record(latency);
        }
    }

    /** Its gauges, read from {@link SiteStatus#originSite} at scrape time: NaN for what does not apply to it. */
    @Override
    public void originSiteFound(String originSite) {
        MeterRegistry current = registry;
        if (current == null) {
            return;
        }
        Gauge.builder(APPLY_LAG, () -> originFigure(originSite, false))
                .baseUnit("commands")
                .description("Main site: commands of the origin site mirrored here and not yet applied")
                .tag(ORIGIN_SITE, originSite)
                .register(current);
        Gauge.builder(
                        APPLIER_PAUSED,
                        () -> status.originSite(originSite)
                                .map(origin -> origin.state() == OriginSiteFigures.State.PAUSED ? 1.0 : 0.0)
                                .orElse(Double.NaN))
                .description("Main site: 1 while the origin site's applier waits out a pause after its retries")
                .tag(ORIGIN_SITE, originSite)
                .register(current);
        Gauge.builder(REFUSED, () -> originFigure(originSite, true))
                .description("Main site: commands of an origin site refused for its name (not a valid site name, or"
                        + " the main site's own), never applied")
                .tag(ORIGIN_SITE, originSite)
                .register(current);
    }

    /** The origin site's waiting commands, as lag when it is applied or as refused when it is not; else 0. */
    private double originFigure(String originSite, boolean refused) {
        return status.originSite(originSite)
                .map(origin -> (origin.state() == OriginSiteFigures.State.REFUSED) == refused
                        ? (origin.waitingCommands() == null ? Double.NaN : origin.waitingCommands())
                        : 0.0)
                .orElse(Double.NaN);
    }

    /** Counted in {@code relay_commands_unreadable_total} or {@code relay_outcomes_unreadable_total}. */
    @Override
    public void unreadable(Unreadable record, String originSite, boolean failedTransaction) {
        if (registry != null) {
            boolean command = record == Unreadable.COMMAND;
            Counter.builder(command ? UNREADABLE : UNREADABLE_OUTCOMES)
                    .description(
                            command
                                    ? "Records on a commands topic that are not a readable command, set aside as dead letters"
                                    : "Records among the mirrored outcomes that are not a readable outcome, set aside as dead letters")
                    .tag(ORIGIN_SITE, originSite)
                    .tag(FATE, failedTransaction ? "transaction_failed" : "unattributed")
                    .register(registry)
                    .increment();
        }
    }

    // Registering an existing meter again returns it: a map lookup, cheap enough per transaction.
    private Counter counter(String name, String origin) {
        return Counter.builder(name)
                .description(
                        name.equals(APPLIED)
                                ? "Transactions applied to the primary"
                                : "Transactions the primary refused, recorded FAILED with their reason")
                .tag(ORIGIN_SITE, origin)
                .register(registry);
    }

    private Timer latency(String origin) {
        return Timer.builder(LATENCY)
                .description("Main site: from a command's acceptance at its site to its commit at the primary; "
                        + "secondary: from a transaction's acknowledgement to VISIBLE in the replica")
                .tag(ORIGIN_SITE, origin)
                .publishPercentileHistogram()
                .minimumExpectedValue(LATENCY_MIN)
                .maximumExpectedValue(LATENCY_MAX)
                .register(registry);
    }

    private static int flag(boolean value) {
        return value ? 1 : 0;
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
