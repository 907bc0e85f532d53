package io.opsdb.relay.app.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.opsdb.relay.app.site.SiteStatus;
import io.opsdb.relay.main.apply.ApplyListener;
import io.opsdb.relay.main.apply.IncomingCommand;
import io.opsdb.relay.main.apply.UnreadableCommand;
import io.opsdb.relay.secondary.transaction.TrackedTransaction;
import io.opsdb.relay.secondary.transaction.TransactionListener;
import io.opsdb.relay.secondary.transaction.UnreadableRecord;
import io.opsdb.relay.site.SiteConfiguration;

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
 * {@code relay_apply_latency_seconds} histogram, by {@code origin_site}: at the main site every command its
 * applier settles (from the command's {@code accepted_at} to its commit), at a secondary every one of its
 * own transactions as the main site's outcomes report them (from its acknowledgement to VISIBLE);</li>
 * <li>{@code relay_commands_unreadable_total}, by {@code origin_site} and {@code fate}, at the main site: records
 * on a commands topic that are not a readable command, set aside as dead letters. {@code fate="transaction_failed"}:
 * their headers named the transaction, now FAILED with the reason (also counted in
 * {@code relay_transactions_failed_total}); {@code fate="unattributed"}: no transaction could be told, so only
 * this counter and the dead letter show it.</li>
 * <li>at a secondary, {@code relay_commands_unreadable_total} (records on its own {@code ops.commands}) and
 * {@code relay_outcomes_unreadable_total} (records among the mirrored outcomes), by {@code origin_site} (the site
 * their {@code site} header names; {@code unknown} for an outcome without one) and {@code fate}: records it could not
 * read, set aside on its {@code relay.<site>.dead-letter} topic. {@code fate="transaction_failed"}: their headers
 * named a transaction of this site, now FAILED with the reason; {@code fate="unattributed"}: no transaction was
 * changed.</li>
 * </ul>
 */
public class RelayMetrics implements MeterBinder {

    static final String APPLIED = "relay.transactions.applied";
    static final String FAILED = "relay.transactions.failed";
    static final String LATENCY = "relay.apply.latency";
    static final String UNREADABLE = "relay.commands.unreadable";
    static final String UNREADABLE_OUTCOMES = "relay.outcomes.unreadable";
    static final String FATE = "fate";
    static final String ORIGIN_SITE = "origin_site";

    /** Histogram range: a local apply takes milliseconds; past an hour a WAN outage is the story, not the bucket. */
    private static final Duration LATENCY_MIN = Duration.ofMillis(5);
    private static final Duration LATENCY_MAX = Duration.ofHours(1);

    private final SiteConfiguration site;
    private final SiteStatus status;
    private final Clock clock;
    private volatile MeterRegistry registry;

    public RelayMetrics(SiteConfiguration site, SiteStatus status) {
        this(site, status, Clock.systemUTC());
    }

    RelayMetrics(SiteConfiguration site, SiteStatus status, Clock clock) {
        this.site = site;
        this.status = status;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("site.type.info", () -> 1)
                .description("This site: its name and type")
                .tag("site_name", site.siteName()).tag("site_type", site.siteType().value())
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
        Gauge.builder("relay.oldest.in.flight.age", status::oldestInFlightAgeSeconds).baseUnit("seconds")
                .description("Age of the oldest transaction in flight, 0 when none is")
                .register(registry);
        Gauge.builder("relay.replica.lag.bytes", status::replicaLagBytes).baseUnit("bytes")
                .description("WAL bytes between the newest commit heard of and the replica's replay position")
                .register(registry);
        Gauge.builder("relay.replica.lag.seconds", () -> orNaN(status.replicaLagSeconds())).baseUnit("seconds")
                .description("How far the replica is behind the primary; NaN while it cannot be read")
                .register(registry);
        this.registry = registry;
        // This site's own series exist from the start, so a rate over them starts at zero.
        counter(APPLIED, site.siteName());
        counter(FAILED, site.siteName());
        latency(site.siteName());
    }

    /** Counts what the main site's applier settles; registered only at the main site. */
    public ApplyListener applyListener() {
        return new ApplyListener() {
            @Override
            public void applied(IncomingCommand command) {
                if (registry != null) {
                    String origin = command.command().getSite();
                    counter(APPLIED, origin).increment();
                    latency(origin).record(Duration.between(command.command().getAcceptedAt(), clock.instant()));
                }
            }

            @Override
            public void failed(IncomingCommand command, String reason) {
                if (registry != null) {
                    counter(FAILED, command.command().getSite()).increment();
                }
            }

            @Override
            public void unreadable(UnreadableCommand record, boolean failedTransaction) {
                if (registry != null) {
                    if (failedTransaction) {
                        counter(FAILED, record.site()).increment();
                    }
                    Counter.builder(UNREADABLE)
                            .description("Records on a commands topic that are not a readable command, set aside as dead letters")
                            .tag(ORIGIN_SITE, record.site())
                            .tag(FATE, failedTransaction ? "transaction_failed" : "unattributed")
                            .register(registry).increment();
                }
            }
        };
    }

    /**
     * Counts a secondary's own transactions as they become APPLIED, VISIBLE or FAILED, and the records it could not
     * read.
     */
    public TransactionListener transactionListener() {
        return new TransactionListener() {
            @Override
            public void entered(TrackedTransaction tx) {
                if (registry == null) {
                    return;
                }
                switch (tx.state()) {
                    case APPLIED -> counter(APPLIED, site.siteName()).increment();
                    case FAILED -> counter(FAILED, site.siteName()).increment();
                    case VISIBLE -> latency(site.siteName()).record(visibleAfter(tx));
                    default -> {
                    }
                }
            }

            @Override
            public void unreadable(UnreadableRecord record, UnreadableRecord.Fate fate) {
                if (registry == null) {
                    return;
                }
                boolean command = record.source() == UnreadableRecord.Source.COMMAND;
                Counter.builder(command ? UNREADABLE : UNREADABLE_OUTCOMES)
                        .description(command
                                ? "Records on a commands topic that are not a readable command, set aside as dead letters"
                                : "Records on the mirrored outcomes that are not a readable outcome, set aside as dead letters")
                        .tag(ORIGIN_SITE, record.site() == null ? "unknown" : record.site())
                        .tag(FATE, fate.label())
                        .register(registry).increment();
            }
        };
    }

    private static Duration visibleAfter(TrackedTransaction tx) {
        Instant visible = tx.visibleAt();
        return visible == null ? Duration.ZERO : Duration.between(tx.acknowledgedAt(), visible);
    }

    // Registering an existing meter again returns it: a map lookup, cheap enough per transaction.
    private Counter counter(String name, String origin) {
        return Counter.builder(name)
                .description(name.equals(APPLIED) ? "Transactions applied to the primary"
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
