package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.opsdb.relay.infra.postgres.PostgresCredentials;
import io.opsdb.relay.infra.postgres.PostgresPrimary;
import io.opsdb.relay.infra.postgres.PostgresTools;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.infra.tls.WanCertificates;
import io.opsdb.relay.main.internal.apply.ApplyListener;
import io.opsdb.relay.main.internal.apply.CommandApplier;
import io.opsdb.relay.main.internal.apply.FailureKind;
import io.opsdb.relay.main.internal.apply.IncomingCommand;
import io.opsdb.relay.main.internal.apply.SqlFailureClassifier;
import io.opsdb.relay.schema.EntityType;
import io.opsdb.relay.schema.Operation;
import io.opsdb.relay.schema.OperationType;
import io.opsdb.relay.schema.WriteCommand;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * I2 when two appliers hold the same commands at once, as after a rebalance or with a zombie applier after a
 * network partition: two {@link CommandApplier}s, each with its own connection pool, walk the same ordered
 * stream concurrently in batches of their own sizes against a real PostgreSQL primary (started here with the
 * stack's own {@link PostgresPrimary}, migrated by the application's Flyway scripts). Creates applied twice would
 * be unique violations (FAILED attempts, dead letters); a note applied again after a later note would put the
 * earlier text back.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TwoAppliersIT {

    private static final Logger LOG = LoggerFactory.getLogger(TwoAppliersIT.class);

    private static final String SITE = "two-appliers";
    private static final String TOPIC = SITE + ".ops.commands";
    private static final int ROUNDS = 12;
    private static final int UNITS = 25;
    private static final int MAX_BATCH = 8;
    private static final int TRANSIENT_TRIES = 50;

    private static PostgresPrimary primary;
    private static HikariDataSource first;
    private static HikariDataSource second;

    private final Map<String, AtomicInteger> applied = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final AtomicInteger transientRetries = new AtomicInteger();
    private long offset;

    @BeforeAll
    static void startPrimary() {
        Path home = Path.of(System.getProperty("relay.home", "."));
        WorkDirectory work = new WorkDirectory(home.resolve("system-tests/target/two-appliers-it"));
        PidFiles.killLeftovers(work.pids(), work.root());
        work.recreate();
        PostgresCredentials credentials =
                PostgresCredentials.generate(work.secrets().resolve("db-password"));
        primary = new PostgresPrimary(
                "two-appliers-primary",
                15432 + TwoSiteStack.PORT_OFFSET + 77,
                credentials,
                new WanCertificates(work),
                PostgresTools.locate(System.getenv()),
                work);
        primary.start();
        Flyway.configure()
                .dataSource(primary.jdbcUrl(), credentials.user(), credentials.password())
                .load()
                .migrate();
        first = pool("first", credentials);
        second = pool("second", credentials);
    }

    private static HikariDataSource pool(String name, PostgresCredentials credentials) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("applier-" + name);
        config.setJdbcUrl(primary.jdbcUrl());
        config.setUsername(credentials.user());
        config.setPassword(credentials.password());
        config.setMaximumPoolSize(2);
        return new HikariDataSource(config);
    }

    @AfterAll
    static void stopPrimary() {
        for (HikariDataSource pool : new HikariDataSource[] {first, second}) {
            if (pool != null) {
                pool.close();
            }
        }
        if (primary != null) {
            primary.stop();
        }
    }

    @BeforeEach
    void emptyTables() throws Exception {
        try (Connection db = primary.connect();
                var truncate = db.createStatement()) {
            truncate.execute(
                    "TRUNCATE relay_ledger, relay_dead_letter, raw_data_file, raw_data_package, executed_obs_unit");
        }
    }

    @Test
    void twoAppliersOnTheSameCommandsApplyEachOnce() throws Exception {
        List<IncomingCommand> all = new ArrayList<>();
        List<String> units = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<IncomingCommand> stream = round(round, units);
            bothApply(stream, round);
            all.addAll(stream);
        }

        List<String> ids = all.stream().map(IncomingCommand::transactionId).toList();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(failuresByReason())
                    .as("commands the appliers recorded FAILED, by reason")
                    .isEmpty();
            softly.assertThat(timesApplied(ids))
                    .as("times each command was applied, by transaction id, where not once")
                    .isEmpty();
            softly.assertThat(ledger(ids))
                    .as("ledger rows by status and attempt")
                    .containsExactly(Map.entry("APPLIED/1", ids.size()));
            softly.assertThat(count("SELECT count(*) FROM relay_dead_letter"))
                    .as("dead letters")
                    .isZero();
            softly.assertThat(count("SELECT count(*) FROM executed_obs_unit WHERE site = '" + SITE + "'"))
                    .as("units")
                    .isEqualTo(units.size());
            softly.assertThat(count(
                            "SELECT count(*) FROM executed_obs_unit WHERE site = '" + SITE + "' AND notes = 'second'"))
                    .as("units whose later note stands (a first note applied again puts 'first' back)")
                    .isEqualTo(units.size());
            softly.assertThat(count("SELECT count(*) FROM raw_data_package"))
                    .as("packages, one per unit")
                    .isEqualTo(units.size());
        });
        LOG.info(
                "Two appliers: {} commands in {} rounds, {} transient retries",
                ids.size(),
                ROUNDS,
                transientRetries.get());
    }

    @Test
    void twoAppliersOnTheSameRetryApplyItOnce() throws Exception {
        CommandApplier one = applier(first);
        List<String> units = new ArrayList<>();
        List<IncomingCommand> notes = new ArrayList<>();
        for (int u = 0; u < UNITS * 2; u++) {
            String unit = UUID.randomUUID().toString();
            units.add(unit);
            notes.add(incoming(command(update(unit, "notes", "retried " + u))));
        }
        // The notes come before their units exist: each is FAILED at attempt 1 with its dead letter.
        assertThat(one.apply(notes).failed()).isEqualTo(notes.size());
        failed.clear();
        one.apply(units.stream()
                .map(unit -> incoming(command(create(unit, "retry"))))
                .toList());

        List<IncomingCommand> retries = notes.stream()
                .map(n -> incoming(
                        WriteCommand.newBuilder(n.command()).setAttempt(2).build()))
                .toList();
        applied.clear();
        bothApply(retries, 99);

        List<String> ids = notes.stream().map(IncomingCommand::transactionId).toList();
        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(failuresByReason())
                    .as("retries the appliers recorded FAILED, by reason")
                    .isEmpty();
            softly.assertThat(timesApplied(ids))
                    .as("times each retry was applied, by transaction id, where not once")
                    .isEmpty();
            softly.assertThat(ledger(ids))
                    .as("ledger rows by status and attempt")
                    .containsExactly(Map.entry("APPLIED/2", ids.size()));
            softly.assertThat(count("SELECT count(*) FROM executed_obs_unit WHERE notes LIKE 'retried %'"))
                    .as("units with their note")
                    .isEqualTo(units.size());
        });
    }

    /** How many commands were recorded FAILED, by the first line of their reason. */
    private Map<String, Long> failuresByReason() {
        return failed.values().stream()
                .map(reason -> reason.lines().findFirst().orElse(reason))
                .collect(Collectors.groupingBy(reason -> reason, TreeMap::new, Collectors.counting()));
    }

    /**
     * One round of a site's stream: units started, then a first note on each, their packages, and a second note
     * on each, so a first note applied again lands after the second.
     */
    private List<IncomingCommand> round(int round, List<String> units) {
        List<String> started = new ArrayList<>();
        for (int u = 0; u < UNITS; u++) {
            started.add(UUID.randomUUID().toString());
        }
        units.addAll(started);
        List<IncomingCommand> stream = new ArrayList<>();
        for (String unit : started) {
            stream.add(incoming(command(create(unit, SITE + "-" + round + "-" + stream.size()))));
        }
        for (String unit : started) {
            stream.add(incoming(command(update(unit, "notes", "first"))));
        }
        for (String unit : started) {
            stream.add(incoming(command(Operation.newBuilder()
                    .setType(OperationType.CREATE)
                    .setEntity(EntityType.RAW_DATA_PACKAGE)
                    .setRecordId(UUID.randomUUID().toString())
                    .setValues(Map.of("executed_obs_unit_id", unit, "name", "package of " + unit, "state", "building"))
                    .build())));
        }
        for (String unit : started) {
            stream.add(incoming(command(update(unit, "notes", "second"))));
        }
        return stream;
    }

    /** Both appliers walk {@code stream} at once, each in batches of its own random sizes, retrying transient failures. */
    private void bothApply(List<IncomingCommand> stream, int round) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService appliers = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> walks = new ArrayList<>();
            for (HikariDataSource pool : List.of(first, second)) {
                CommandApplier applier = applier(pool);
                Random random = new Random(31L * round + pool.getPoolName().hashCode());
                walks.add(appliers.submit(() -> {
                    start.await();
                    for (int from = 0; from < stream.size(); ) {
                        int to = Math.min(stream.size(), from + 1 + random.nextInt(MAX_BATCH));
                        applyRetryingTransients(applier, stream.subList(from, to));
                        from = to;
                    }
                    return null;
                }));
            }
            for (Future<?> walk : walks) {
                walk.get(2, TimeUnit.MINUTES);
            }
        } finally {
            appliers.shutdownNow();
        }
    }

    /** As the listener container does: a transient failure retries the same batch, a permanent one would not get here. */
    private void applyRetryingTransients(CommandApplier applier, List<IncomingCommand> batch) {
        for (int tries = 1; ; tries++) {
            try {
                applier.apply(batch);
                return;
            } catch (RuntimeException e) {
                if (SqlFailureClassifier.classify(e) != FailureKind.TRANSIENT || tries == TRANSIENT_TRIES) {
                    throw e;
                }
                transientRetries.incrementAndGet();
            }
        }
    }

    private CommandApplier applier(HikariDataSource pool) {
        return new CommandApplier(
                new JdbcTemplate(pool),
                new TransactionTemplate(new DataSourceTransactionManager(pool)),
                new ApplyListener() {
                    @Override
                    public void applied(IncomingCommand command) {
                        applied.computeIfAbsent(command.transactionId(), id -> new AtomicInteger())
                                .incrementAndGet();
                    }

                    @Override
                    public void failed(IncomingCommand command, String reason) {
                        failed.put(command.transactionId(), reason);
                    }
                });
    }

    /** The commands not applied exactly once, with how many times they were. */
    private Map<String, Integer> timesApplied(List<String> ids) {
        Map<String, Integer> notOnce = new TreeMap<>();
        for (String id : ids) {
            AtomicInteger times = applied.get(id);
            int n = times == null ? 0 : times.get();
            if (n != 1) {
                notOnce.put(id, n);
            }
        }
        return notOnce;
    }

    private static Map<String, Integer> ledger(List<String> ids) {
        Map<String, Integer> rows = new TreeMap<>();
        try (Connection db = primary.connect();
                PreparedStatement select = db.prepareStatement("""
                        SELECT status || '/' || attempt, count(*) FROM relay_ledger WHERE transaction_id = ANY (?)
                        GROUP BY 1""")) {
            select.setArray(1, db.createArrayOf("uuid", ids.toArray()));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.put(row.getString(1), row.getInt(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private static long count(String sql) {
        try (Connection db = primary.connect();
                PreparedStatement select = db.prepareStatement(sql);
                ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private IncomingCommand incoming(WriteCommand command) {
        return new IncomingCommand(TOPIC, 0, offset++, command);
    }

    private static WriteCommand command(Operation operation) {
        return WriteCommand.newBuilder()
                .setTransactionId(UUID.randomUUID().toString())
                .setSite(SITE)
                .setAcceptedAt(Instant.now())
                .setOperations(List.of(operation))
                .build();
    }

    private static Operation create(String unit, String obsUnitId) {
        return Operation.newBuilder()
                .setType(OperationType.CREATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(unit)
                .setValues(Map.of(
                        "obs_unit_id",
                        obsUnitId,
                        "site",
                        SITE,
                        "status",
                        "running",
                        "start_time",
                        Instant.now().toString()))
                .build();
    }

    private static Operation update(String unit, String column, String value) {
        return Operation.newBuilder()
                .setType(OperationType.UPDATE)
                .setEntity(EntityType.EXECUTED_OBS_UNIT)
                .setRecordId(unit)
                .setValues(Map.of(column, value))
                .build();
    }
}
