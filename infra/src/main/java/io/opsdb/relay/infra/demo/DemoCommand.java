package io.opsdb.relay.infra.demo;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.SecondarySite;
import java.io.PrintStream;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/relay demo}: a workload at a secondary site, or at every secondary at once, then the count of what became
 * of it, checked against the main database rather than against the workload's own bookkeeping.
 */
public final class DemoCommand {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(120);
    /** How often a running demo says how far it has come (on the log, stderr: stdout is for its result lines). */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private DemoCommand() {}

    /**
     * Runs {@code writes} writes from {@code clients} concurrent clients at the stack's first secondary; prints one
     * {@code demo:} line and returns the exit code.
     */
    public static int run(LocalStack stack, int writes, int clients, PrintStream out) {
        try {
            SiteCount count = runAt(stack, stack.sites().first().name(), writes, clients);
            out.println(count.line());
            return count.clean(writes) ? 0 : 1;
        } catch (DemoFailure e) {
            LOG.error(e.getMessage());
            return 1;
        }
    }

    /**
     * Runs {@code writes} writes from {@code clients} concurrent clients at every secondary of the stack at once;
     * prints each site's {@code demo:} line prefixed by its name, then a {@code demo total:} line, and returns the exit
     * code.
     */
    public static int runAtEverySite(LocalStack stack, int writes, int clients, PrintStream out) {
        List<CompletableFuture<SiteCount>> runs = new ArrayList<>();
        for (SecondarySite site : stack.sites().secondaries()) {
            runs.add(CompletableFuture.supplyAsync(() -> runAt(stack, site.name(), writes, clients), runnable -> {
                Thread thread = new Thread(runnable, "demo-" + site.name());
                thread.setDaemon(true);
                thread.start();
            }));
        }
        List<SiteCount> counts = new ArrayList<>();
        boolean clean = true;
        for (CompletableFuture<SiteCount> run : runs) {
            try {
                counts.add(run.join());
            } catch (CompletionException e) {
                LOG.error(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                clean = false;
            }
        }
        for (SiteCount count : counts) {
            out.println(count.site() + " " + count.line());
            clean &= count.clean(writes);
        }
        out.println(String.format(
                Locale.ROOT,
                "demo total: acknowledged %d, applied %d, visible %d, failed %d, lost %d",
                counts.stream().mapToLong(SiteCount::acknowledged).sum(),
                counts.stream().mapToLong(SiteCount::applied).sum(),
                counts.stream().mapToLong(SiteCount::visible).sum(),
                counts.stream().mapToLong(SiteCount::failed).sum(),
                counts.stream().mapToLong(SiteCount::lost).sum()));
        return clean && counts.size() == runs.size() ? 0 : 1;
    }

    /** The workload at one site and its count at the main database. */
    private static SiteCount runAt(LocalStack stack, String site, int writes, int clients) {
        ObservatoryWorkload workload = new ObservatoryWorkload(stack.api(site), stack.serviceToken());
        try {
            String runId = "demo-" + site + "-" + UUID.randomUUID().toString().substring(0, 8);
            LOG.info("Demo {}: {} writes from {} clients at {} ({})", runId, writes, clients, site, stack.api(site));
            ObservatoryWorkload.Result result;
            try (Periodic progress = Periodic.every(
                    PROGRESS_EVERY, "demo-progress-" + site, () -> progress(site, workload.progress()))) {
                result = workload.run(runId, writes, clients, VISIBLE_TIMEOUT, (write, status) -> {});
            }
            LOG.info("Demo at {} done: {}", site, workload.progress().line());
            result.refusals().stream().limit(5).forEach(r -> LOG.warn("Refused at {}: {}", site, r));
            Ledger ledger = Ledger.count(
                    stack,
                    result.acknowledged().stream()
                            .map(ObservatoryWorkload.Write::transactionId)
                            .toList());
            long visible = result.settled().stream()
                    .filter(s -> "VISIBLE".equals(s.state()))
                    .count();
            long[] ack = result.acknowledged().stream()
                    .mapToLong(ObservatoryWorkload.Write::ackNanos)
                    .sorted()
                    .toArray();
            long[] toVisible = result.settled().stream()
                    .filter(s -> s.visibleAt() != null)
                    .mapToLong(s ->
                            Duration.between(s.acknowledgedAt(), s.visibleAt()).toNanos())
                    .sorted()
                    .toArray();
            return new SiteCount(
                    site, result.acknowledged().size(), ledger.applied, visible, ledger.failed, ack, toVisible);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("the demo at " + site + " was interrupted", e);
        } catch (SQLException e) {
            throw new DemoFailure("cannot count the main database's ledger for " + site + ": " + e.getMessage(), e);
        } finally {
            workload.close();
        }
    }

    /** One progress line, once the run has begun (before, its figures are all 0 of 0). */
    private static void progress(String site, ObservatoryWorkload.Progress progress) {
        if (progress.writes() > 0) {
            LOG.info("Demo at {}: {}", site, progress.line());
        }
    }

    /** What became of one site's writes; {@code lost} is what was acknowledged and is neither applied nor failed. */
    private record SiteCount(
            String site,
            long acknowledged,
            long applied,
            long visible,
            long failed,
            long[] ackNanos,
            long[] toVisibleNanos) {

        long lost() {
            return acknowledged - applied - failed;
        }

        boolean clean(int writes) {
            return acknowledged == writes && applied == acknowledged && visible == acknowledged;
        }

        String line() {
            return String.format(
                    Locale.ROOT,
                    "demo: acknowledged %d, applied %d, visible %d, failed %d, lost %d; ack p50 %s ms p99 %s ms; visible p50 %s ms p99 %s ms",
                    acknowledged,
                    applied,
                    visible,
                    failed,
                    lost(),
                    millis(ackNanos, 50),
                    millis(ackNanos, 99),
                    millis(toVisibleNanos, 50),
                    millis(toVisibleNanos, 99));
        }
    }

    private static final class DemoFailure extends RuntimeException {
        DemoFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static String millis(long[] sortedNanos, int percentile) {
        if (sortedNanos.length == 0) {
            return "-";
        }
        int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
        return String.format(Locale.ROOT, "%.1f", sortedNanos[Math.max(0, index)] / 1e6);
    }

    /** How many of the given transactions the main database's ledger holds, by status. */
    record Ledger(long applied, long failed) {

        static Ledger count(LocalStack stack, List<String> transactionIds) throws SQLException {
            try (Connection db =
                            DriverManager.getConnection(stack.primaryJdbcUrl(), stack.dbUser(), stack.dbPassword());
                    PreparedStatement count = db.prepareStatement("""
                            SELECT count(*) FILTER (WHERE status = 'APPLIED'), count(*) FILTER (WHERE status = 'FAILED')
                            FROM relay_ledger WHERE transaction_id = ANY (?)""")) {
                Array ids = db.createArrayOf(
                        "uuid",
                        transactionIds.stream()
                                .filter(Objects::nonNull)
                                .map(UUID::fromString)
                                .toArray());
                count.setArray(1, ids);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return new Ledger(rows.getLong(1), rows.getLong(2));
                }
            }
        }
    }
}
