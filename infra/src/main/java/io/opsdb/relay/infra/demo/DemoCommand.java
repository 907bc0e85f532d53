package io.opsdb.relay.infra.demo;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.opsdb.relay.infra.LocalStack;

/**
 * {@code bin/relay demo}: a workload at the observatory, then the count of what became of it, checked
 * against the main database rather than against the workload's own bookkeeping.
 */
public final class DemoCommand {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCommand.class);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(120);

    private DemoCommand() {
    }

    /** Runs {@code writes} writes from {@code clients} concurrent clients against a running stack; returns the exit code. */
    public static int run(LocalStack stack, int writes, int clients) {
        ObservatoryWorkload workload = new ObservatoryWorkload(stack.observatoryApi(), stack.serviceToken());
        try {
            String runId = "demo-" + UUID.randomUUID().toString().substring(0, 8);
            LOG.info("Demo {}: {} writes from {} clients at the observatory ({})", runId, writes, clients, stack.observatoryApi());
            ObservatoryWorkload.Result result = workload.run(runId, writes, clients, VISIBLE_TIMEOUT, (write, status) -> {
            });
            result.refusals().stream().limit(5).forEach(r -> LOG.warn("Refused: {}", r));
            Ledger ledger = Ledger.count(stack, result.acknowledged().stream().map(ObservatoryWorkload.Write::transactionId).toList());
            long visible = result.settled().stream().filter(s -> "VISIBLE".equals(s.state())).count();
            long[] ack = result.acknowledged().stream().mapToLong(ObservatoryWorkload.Write::ackNanos).sorted().toArray();
            long[] toVisible = result.settled().stream().filter(s -> s.visibleAt() != null)
                    .mapToLong(s -> Duration.between(s.acknowledgedAt(), s.visibleAt()).toNanos()).sorted().toArray();
            int acknowledged = result.acknowledged().size();
            String line = String.format(Locale.ROOT,
                    "demo: acknowledged %d, applied %d, visible %d, failed %d, lost %d; ack p50 %s ms p99 %s ms; visible p50 %s ms p99 %s ms",
                    acknowledged, ledger.applied, visible, ledger.failed, acknowledged - ledger.applied - ledger.failed,
                    millis(ack, 50), millis(ack, 99), millis(toVisible, 50), millis(toVisible, 99));
            System.out.println(line);
            boolean clean = acknowledged == writes && ledger.applied == acknowledged && visible == acknowledged;
            return clean ? 0 : 1;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        catch (SQLException e) {
            LOG.error("Cannot count the main database's ledger: {}", e.getMessage());
            return 1;
        }
        finally {
            workload.close();
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
            try (Connection db = DriverManager.getConnection(stack.primaryJdbcUrl(), stack.dbUser(), stack.dbPassword());
                    PreparedStatement count = db.prepareStatement("""
                            SELECT count(*) FILTER (WHERE status = 'APPLIED'), count(*) FILTER (WHERE status = 'FAILED')
                            FROM relay_ledger WHERE transaction_id = ANY (?)""")) {
                Array ids = db.createArrayOf("uuid", transactionIds.stream().filter(Objects::nonNull).map(UUID::fromString).toArray());
                count.setArray(1, ids);
                try (ResultSet rows = count.executeQuery()) {
                    rows.next();
                    return new Ledger(rows.getLong(1), rows.getLong(2));
                }
            }
        }
    }
}
