package io.opsdb.relay.infra.bench;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.infra.demo.Periodic;
import io.opsdb.relay.infra.process.Await;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code bin/relay bench}: the whole two-site system measured next to its own parts, in one run on one machine,
 * so that the ratios mean something even on a shared machine:
 * <ol>
 *   <li>acknowledgement at the observatory, open loop at a fixed rate, against a producer configured as
 *       producer-secondary's writing to a topic on the same broker with the same durability
 *       ({@code flush.messages=1});</li>
 *   <li>acknowledgement to VISIBLE at a low fixed rate, from the observatory's own timestamps;</li>
 *   <li>sustained acknowledged writes from many closed-loop clients, with the in-flight count sampled, and
 *       acknowledgement to VISIBLE at that rate;</li>
 *   <li>a backlog built with MirrorMaker 2 into Cologne stopped, then applied at Cologne (from the ledger's own
 *       timestamps) and drained to VISIBLE at the observatory, against a JDBC batch insert on the same
 *       primary;</li>
 *   <li>the observatory application's resident memory, sampled throughout.</li>
 * </ol>
 * It writes its table into {@code docs/performance.md} (between markers, so earlier tables stay) and ends with
 * one {@code bench:} line.
 */
public final class RelayBenchmark {

    /** About the size of an encoded executed obs unit start, as the raw producer's record. */
    private static final int RAW_RECORD_BYTES = 600;

    private static final int RAW_ROWS_PER_TRANSACTION = 100;
    private static final int RAW_APPLY_THREADS = 2;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(15);
    private static final String BEGIN_MARKER = "<!-- bench:latest:begin -->";
    private static final String END_MARKER = "<!-- bench:latest:end -->";
    private static final String IDLE_PHASE = "idle";
    private static final Duration WARM_UP_ROUND = Duration.ofSeconds(15);
    private static final int COMPILERS_QUIET_PERCENT = 10;

    /**
     * What to run.
     *
     * @param seconds     length of each timed phase
     * @param rate        open-loop rate of the acknowledgement phase, writes per second
     * @param visibleRate open-loop rate of the acknowledgement-to-VISIBLE phase
     * @param clients     closed-loop clients of the sustained and backlog phases
     * @param backlog     writes buffered while MirrorMaker 2 into Cologne is stopped
     * @param warmup      longest warm-up, in seconds, before anything is measured
     */
    public record Options(int seconds, double rate, double visibleRate, int clients, int backlog, int warmup) {

        public static final String USAGE =
                "relay bench [--seconds S] [--rate R] [--visible-rate V] [--clients C] [--backlog N] [--warmup W]";

        public static Options defaults() {
            return new Options(20, 100, 20, 64, 20_000, 240);
        }

        /** Parses {@code --name value} pairs over the defaults. */
        public static Options parse(String[] args, int from) {
            Options o = defaults();
            for (int i = from; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + args[i] + " needs a value; usage: " + USAGE);
                }
                double value;
                try {
                    value = Double.parseDouble(args[i + 1]);
                } catch (NumberFormatException e) {
                    value = -1;
                }
                if (!(value > 0)) {
                    throw new IllegalArgumentException(args[i] + " needs a positive number, not '" + args[i + 1] + "'");
                }
                o = switch (args[i]) {
                    case "--seconds" -> new Options((int) value, o.rate, o.visibleRate, o.clients, o.backlog, o.warmup);
                    case "--rate" -> new Options(o.seconds, value, o.visibleRate, o.clients, o.backlog, o.warmup);
                    case "--visible-rate" -> new Options(o.seconds, o.rate, value, o.clients, o.backlog, o.warmup);
                    case "--clients" -> new Options(o.seconds, o.rate, o.visibleRate, (int) value, o.backlog, o.warmup);
                    case "--backlog" -> new Options(o.seconds, o.rate, o.visibleRate, o.clients, (int) value, o.warmup);
                    case "--warmup" -> new Options(o.seconds, o.rate, o.visibleRate, o.clients, o.backlog, (int) value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + USAGE);
                };
            }
            return o;
        }

        Duration phase() {
            return Duration.ofSeconds(seconds);
        }
    }

    /**
     * The warm-up before the measured phases: how many writes it took, how long, and the JIT compilers' share of one
     * core (all of the system's JVMs and the client's) in its first and its last round.
     */
    record Warmup(int writes, double seconds, double compilersFirst, double compilersLast) {}

    /** Every figure of one run. */
    record Figures(
            Warmup warmup,
            OpenLoop.Result ack,
            OpenLoop.Result rawAck,
            double rate,
            Latencies visibleLow,
            double visibleRate,
            double sustained,
            int clients,
            long inFlightStart,
            long inFlightEnd,
            long inFlightMax,
            Latencies visibleSustained,
            int backlog,
            double apply,
            double rawApply,
            double drain,
            long rssMaxMiB,
            Map<String, Map<String, Double>> cpu) {}

    /** Acknowledgement-to-VISIBLE latencies in milliseconds, and how many were not VISIBLE. */
    record Latencies(Histogram millis, long notVisible) {
        double p(double percentile) {
            return millis.getTotalCount() == 0 ? Double.NaN : millis.getValueAtPercentile(percentile);
        }
    }

    private final LocalStack stack;
    private final Options options;
    private final PrintStream out;
    private final ObservatoryClient client;
    private final ExecutorService http = Executors.newFixedThreadPool(16, daemon("bench-http"));
    /**
     * The status reads' own threads: each blocks in a send whose response the HTTP client completes on {@link #http},
     * so on {@code http} itself sixteen of them took every thread and waited for ever.
     */
    private final ExecutorService statusReads = Executors.newFixedThreadPool(8, daemon("bench-status"));

    private final AtomicInteger sequence = new AtomicInteger();
    private final String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    private final long began = System.nanoTime();

    private RelayBenchmark(LocalStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
        this.client = new ObservatoryClient(stack.observatoryApi(), stack.serviceToken(), http);
    }

    /** Starts a fresh stack in {@code <project>/.relay-bench}, measures, stops it; returns the exit code. */
    public static int run(StackConfig config, Options options, PrintStream out) {
        StackConfig benchConfig =
                config.withWorkDir(config.relayHome().resolve(".relay-bench")).withApplications(true);
        out.printf("bench: starting the two-site system in %s ...%n", benchConfig.workDir());
        LocalStack stack = LocalStack.startFresh(benchConfig);
        RelayBenchmark bench = new RelayBenchmark(stack, options, out);
        try {
            Figures figures = bench.measure();
            String line = line(figures);
            Path report = config.relayHome().resolve("docs/performance.md");
            writeReport(report, table(figures, options), line);
            out.println("bench: table written to " + report);
            out.println(line);
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("benchmark failed: " + e.getMessage(), e);
        } finally {
            bench.http.shutdownNow();
            bench.statusReads.shutdownNow();
            stack.stop();
        }
    }

    private Figures measure() throws InterruptedException, IOException, SQLException {
        RssSampler rss = new RssSampler(stack.workDir().resolve("pids").resolve(LocalStack.OBSERVATORY_APP + ".pid"));
        CpuAccounting accounting = new CpuAccounting(stack.workDir().resolve("pids"));
        try {
            Warmup warmup = warmUp(accounting);

            Map<String, Map<String, Double>> cpu = new LinkedHashMap<>();
            progress("idle: the system running, no writes, %d s", options.seconds / 2);
            CpuAccounting.Snapshot idleFrom = accounting.snapshot();
            Thread.sleep(options.phase().toMillis() / 2);
            cpu.put(IDLE_PHASE, CpuAccounting.percentOfOneCore(idleFrom, accounting.snapshot()));

            progress(
                    "raw Kafka: %.0f records/s for %d s on the observatory's broker (acks=all, idempotent, flush.messages=1)",
                    options.rate, options.seconds);
            OpenLoop.Result rawAck = rawAck();
            progress("raw Kafka: p50 %.1f ms p99 %.1f ms", rawAck.millis(50), rawAck.millis(99));

            progress("acknowledgement: %.0f writes/s for %d s (open loop)", options.rate, options.seconds);
            List<String> ackIds = Collections.synchronizedList(new ArrayList<>());
            CpuAccounting.Snapshot ackFrom = accounting.snapshot();
            OpenLoop.Result ack = openLoop(options.rate, ackIds);
            cpu.put(ackPhase(options.rate), CpuAccounting.percentOfOneCore(ackFrom, accounting.snapshot()));
            progress(
                    "acknowledgement: p50 %.1f ms p99 %.1f ms, %d failed",
                    ack.millis(50), ack.millis(99), ack.failures());
            awaitDrained();

            progress("ack to VISIBLE: %.0f writes/s for %d s (open loop)", options.visibleRate, options.seconds);
            List<String> lowIds = Collections.synchronizedList(new ArrayList<>());
            openLoop(options.visibleRate, lowIds);
            awaitDrained();
            Latencies visibleLow = visibleLatencies(lowIds);
            progress("ack to VISIBLE: p50 %.0f ms p99 %.0f ms", visibleLow.p(50), visibleLow.p(99));

            progress("sustained: %d clients for %d s (closed loop)", options.clients, options.seconds);
            long inFlightStart = inFlight();
            AtomicLong inFlightMax = new AtomicLong(inFlightStart);
            List<String> sustainedIds = Collections.synchronizedList(new ArrayList<>());
            long begin = System.nanoTime();
            CpuAccounting.Snapshot sustainedFrom = accounting.snapshot();
            try (Periodic sampler = Periodic.every(
                    Duration.ofSeconds(1),
                    "bench-sampler",
                    () -> inFlightMax.accumulateAndGet(inFlight(), Math::max))) {
                closedLoop(options.clients, options.phase(), Integer.MAX_VALUE, sustainedIds);
            }
            double sustained = sustainedIds.size() / seconds(System.nanoTime() - begin);
            cpu.put(
                    String.format(Locale.ROOT, "sustained %.0f/s", sustained),
                    CpuAccounting.percentOfOneCore(sustainedFrom, accounting.snapshot()));
            long inFlightEnd = inFlight();
            progress(
                    "sustained: %.0f writes/s; in flight %d at the start, %d at the end, %d at most",
                    sustained, inFlightStart, inFlightEnd, inFlightMax.get());
            awaitDrained();
            Latencies visibleSustained = visibleLatencies(everyTenth(sustainedIds));
            progress(
                    "ack to VISIBLE at the sustained rate: p50 %.0f ms p99 %.0f ms",
                    visibleSustained.p(50), visibleSustained.p(99));

            progress(
                    "backlog: MirrorMaker 2 into Cologne stopped, %d writes from %d clients",
                    options.backlog, options.clients);
            stack.stop(LocalStack.MM2_COLOGNE);
            List<String> backlogIds = Collections.synchronizedList(new ArrayList<>());
            closedLoop(options.clients, Duration.ofHours(1), options.backlog, backlogIds);
            progress("backlog: %d buffered; MirrorMaker 2 started again, draining", backlogIds.size());
            CpuAccounting.Snapshot drainFrom = accounting.snapshot();
            stack.component(LocalStack.MM2_COLOGNE).start();
            long drainedAt = awaitDrained();
            Map<String, Double> drainCpu = CpuAccounting.percentOfOneCore(drainFrom, accounting.snapshot());
            double[] applied = appliedWindow(backlogIds);
            double apply = applied[0] / applied[1];
            double drain = backlogIds.size() / (drainedAt / 1e9 - applied[2]);
            cpu.put(String.format(Locale.ROOT, "drain %.0f/s", drain), drainCpu);
            progress("backlog: applied at %.0f/s at Cologne, VISIBLE at %.0f/s at the observatory", apply, drain);

            progress(
                    "raw apply: JDBC batches of %d rows on the primary, %d threads, %d s",
                    RAW_ROWS_PER_TRANSACTION, RAW_APPLY_THREADS, options.seconds);
            double rawApply = rawApply();
            progress("raw apply: %.0f rows/s", rawApply);

            return new Figures(
                    warmup,
                    ack,
                    rawAck,
                    options.rate,
                    visibleLow,
                    options.visibleRate,
                    sustained,
                    options.clients,
                    inFlightStart,
                    inFlightEnd,
                    inFlightMax.get(),
                    visibleSustained,
                    backlogIds.size(),
                    apply,
                    rawApply,
                    drain,
                    rss.maxMiB(),
                    cpu);
        } finally {
            rss.close();
        }
    }

    /**
     * Writes in rounds of {@link #WARM_UP_ROUND}, closed loop, until the JIT compilers go quiet (under
     * {@link #COMPILERS_QUIET_PERCENT} of a core over a round) or {@code --warmup} seconds have passed, then waits for
     * everything written to be VISIBLE. Every JVM of the system compiles its hot paths while it warms up, and on two
     * cores that compilation competes with the work measured: a benchmark of a fresh stack would measure its JIT.
     */
    private Warmup warmUp(CpuAccounting accounting) throws InterruptedException {
        progress(
                "warm-up: %d clients in rounds of %d s until the JIT compilers take under %d %% of a core (at most %d s)",
                options.clients, WARM_UP_ROUND.toSeconds(), COMPILERS_QUIET_PERCENT, options.warmup);
        long begin = System.nanoTime();
        long deadline = begin + TimeUnit.SECONDS.toNanos(options.warmup);
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        double first = Double.NaN;
        double last;
        do {
            CpuAccounting.Compilers from = accounting.compilers();
            closedLoop(options.clients, WARM_UP_ROUND, Integer.MAX_VALUE, ids);
            last = accounting.compilers().percentOfOneCoreSince(from);
            first = Double.isNaN(first) ? last : first;
            progress(
                    "warm-up: %d writes so far; the JIT compilers took %.0f %% of a core this round", ids.size(), last);
        } while (last >= COMPILERS_QUIET_PERCENT && System.nanoTime() < deadline);
        double seconds = seconds(System.nanoTime() - begin);
        awaitDrained();
        return new Warmup(ids.size(), seconds, first, last);
    }

    private OpenLoop.Result openLoop(double rate, List<String> ids) throws InterruptedException {
        return OpenLoop.run(
                rate,
                options.phase(),
                i -> client.startObsUnitAsync(nextObsUnit(), "bench-camera").thenApply(accepted -> {
                    if (accepted.ok()) {
                        ids.add(accepted.transactionId());
                    }
                    return accepted.ok();
                }));
    }

    /** {@code clients} threads writing one after another until {@code limit} passes or {@code writes} succeeded. */
    private void closedLoop(int clients, Duration limit, int writes, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        AtomicInteger remaining = new AtomicInteger(writes);
        AtomicLong failures = new AtomicLong();
        ExecutorService writers = Executors.newFixedThreadPool(clients, daemon("bench-client"));
        for (int c = 0; c < clients; c++) {
            writers.execute(() -> {
                while (System.nanoTime() < deadline && remaining.getAndDecrement() > 0) {
                    try {
                        ObservatoryClient.Accepted accepted = client.startObsUnit(nextObsUnit(), "bench-camera");
                        if (accepted.ok()) {
                            ids.add(accepted.transactionId());
                        } else {
                            failures.incrementAndGet();
                            remaining.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        remaining.incrementAndGet();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        writers.shutdown();
        if (!writers.awaitTermination(limit.toMillis() + 60_000, TimeUnit.MILLISECONDS)) {
            writers.shutdownNow();
        }
        if (failures.get() > 0) {
            progress("%d writes were refused or failed (retried)", failures.get());
        }
    }

    private String nextObsUnit() {
        return "uid://" + runId + "/" + sequence.incrementAndGet();
    }

    private OpenLoop.Result rawAck() throws InterruptedException {
        String topic = "bench.raw-ack";
        Map<String, Object> admin =
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.observatoryBootstrapServers());
        try (Admin kafka = Admin.create(admin)) {
            kafka.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of(
                                    TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
                                    "1",
                                    TopicConfig.RETENTION_MS_CONFIG,
                                    "-1"))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + topic + ": " + Await.oneLine(e), e);
        }
        Map<String, Object> config = commandProducer(stack.observatoryBootstrapServers());
        byte[] payload = new byte[RAW_RECORD_BYTES];
        new Random(1).nextBytes(payload);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(topic, payload));
            }
            producer.flush();
            return OpenLoop.run(options.rate, options.phase(), i -> {
                CompletableFuture<Boolean> acked = new CompletableFuture<>();
                producer.send(new ProducerRecord<>(topic, payload), (metadata, error) -> acked.complete(error == null));
                return acked;
            });
        }
    }

    /** Rows per second of JDBC batch inserts into a scratch copy of executed_obs_unit on the primary. */
    private double rawApply() throws SQLException, InterruptedException {
        try (Connection db = primary();
                Statement ddl = db.createStatement()) {
            ddl.execute("DROP TABLE IF EXISTS bench_raw_obs_unit");
            ddl.execute(
                    "CREATE TABLE bench_raw_obs_unit (LIKE executed_obs_unit INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)");
        }
        long deadline = System.nanoTime() + options.phase().toNanos();
        AtomicLong rows = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(RAW_APPLY_THREADS, daemon("bench-raw-apply"));
        List<Future<?>> done = new ArrayList<>();
        long begin = System.nanoTime();
        for (int t = 0; t < RAW_APPLY_THREADS; t++) {
            done.add(threads.submit(() -> {
                try (Connection db = primary();
                        PreparedStatement insert = db.prepareStatement("""
                        INSERT INTO bench_raw_obs_unit (id, obs_unit_id, site, instrument, status, start_time)
                        VALUES (?, ?, 'observatory', 'bench-camera', 'running', ?)""")) {
                    db.setAutoCommit(false);
                    while (System.nanoTime() < deadline) {
                        for (int r = 0; r < RAW_ROWS_PER_TRANSACTION; r++) {
                            insert.setObject(1, UUID.randomUUID());
                            insert.setString(2, nextObsUnit());
                            insert.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                        db.commit();
                        rows.addAndGet(RAW_ROWS_PER_TRANSACTION);
                    }
                }
                return null;
            }));
        }
        threads.shutdown();
        try {
            for (Future<?> thread : done) {
                thread.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("raw apply failed: " + Await.oneLine(e.getCause()), e.getCause());
        }
        double rate = rows.get() / seconds(System.nanoTime() - begin);
        try (Connection db = primary();
                Statement ddl = db.createStatement()) {
            ddl.execute("DROP TABLE bench_raw_obs_unit");
        }
        return rate;
    }

    /** {count, seconds between the first and the last commit, epoch seconds of the first} of these transactions at Cologne. */
    private double[] appliedWindow(List<String> transactionIds) throws SQLException {
        try (Connection db = primary();
                PreparedStatement window = db.prepareStatement("""
                SELECT count(*), extract(epoch FROM max(applied_at) - min(applied_at)), extract(epoch FROM min(applied_at))
                FROM relay_ledger WHERE transaction_id = ANY (?) AND status = 'APPLIED'""")) {
            Array ids = db.createArrayOf(
                    "uuid", transactionIds.stream().map(UUID::fromString).toArray());
            window.setArray(1, ids);
            try (ResultSet row = window.executeQuery()) {
                row.next();
                return new double[] {row.getLong(1), Math.max(row.getDouble(2), 1e-3), row.getDouble(3)};
            }
        }
    }

    private Connection primary() throws SQLException {
        return DriverManager.getConnection(stack.primaryJdbcUrl(), stack.dbUser(), stack.dbPassword());
    }

    /** Waits until nothing is in flight at the observatory; returns the wall-clock time then, in epoch nanoseconds. */
    private long awaitDrained() {
        Await.until(() -> inFlight() == 0, DRAIN_TIMEOUT, "nothing in flight at the observatory");
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private long inFlight() {
        try {
            HttpResponse<String> buffer = client.get("/api/buffer");
            double inFlight = ObservatoryClient.number(buffer.body(), "in_flight");
            if (buffer.statusCode() != 200 || Double.isNaN(inFlight)) {
                throw new IllegalStateException("/api/buffer answered " + buffer.statusCode() + ": " + buffer.body());
            }
            return (long) inFlight;
        } catch (IOException e) {
            throw new IllegalStateException("/api/buffer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** From the observatory's own acknowledged_at and visible_at of each transaction. */
    private Latencies visibleLatencies(List<String> transactionIds) throws InterruptedException {
        Histogram millis = new Histogram(TimeUnit.HOURS.toMillis(1), 3);
        AtomicLong notVisible = new AtomicLong();
        List<Future<?>> reads = new ArrayList<>();
        for (String id : List.copyOf(transactionIds)) {
            reads.add(statusReads.submit(() -> {
                ObservatoryClient.Status status = client.status(id);
                if (status.visibleAt() == null || status.acknowledgedAt() == null) {
                    notVisible.incrementAndGet();
                } else {
                    synchronized (millis) {
                        millis.recordValue(Math.max(
                                0,
                                Duration.between(status.acknowledgedAt(), status.visibleAt())
                                        .toMillis()));
                    }
                }
                return null;
            }));
        }
        for (Future<?> read : reads) {
            try {
                read.get();
            } catch (ExecutionException e) {
                notVisible.incrementAndGet();
            }
        }
        return new Latencies(millis, notVisible.get());
    }

    private static List<String> everyTenth(List<String> ids) {
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 10) {
            sample.add(ids.get(i));
        }
        return sample;
    }

    private void progress(String format, Object... args) {
        out.printf(
                Locale.ROOT,
                "bench: [%4.0f s] %s%n",
                seconds(System.nanoTime() - began),
                String.format(Locale.ROOT, format, args));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The largest resident set of one process, read from /proc every half second. */
    private static final class RssSampler implements AutoCloseable {
        private final AtomicLong maxKiB = new AtomicLong();
        private final AtomicBoolean readable = new AtomicBoolean(true);
        private final Periodic timer;

        RssSampler(Path pidFile) {
            timer = Periodic.every(Duration.ofMillis(500), "bench-rss", () -> {
                try {
                    String pid = Files.readString(pidFile).trim();
                    for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                        if (line.startsWith("VmRSS:")) {
                            maxKiB.accumulateAndGet(Long.parseLong(line.replaceAll("[^0-9]", "")), Math::max);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    readable.set(false);
                }
            });
        }

        long maxMiB() {
            return readable.get() || maxKiB.get() > 0 ? maxKiB.get() / 1024 : -1;
        }

        @Override
        public void close() {
            timer.close();
        }
    }

    /** A raw producer configured as producer-secondary's command producer is (CommandPublisher). */
    static Map<String, Object> commandProducer(String bootstrapServers) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                0,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4");
    }

    static String line(Figures f) {
        return String.format(
                Locale.ROOT,
                "bench: ack p50 %.1f p99 %.1f ms (raw p50 %.1f p99 %.1f ms at %.0f/s); sustained %.0f/s; apply %.0f/s (raw %.0f rows/s); "
                        + "visible p50 %.0f p99 %.0f ms; drain %.0f/s; rss %d MiB",
                f.ack.millis(50),
                f.ack.millis(99),
                f.rawAck.millis(50),
                f.rawAck.millis(99),
                f.rate,
                f.sustained,
                f.apply,
                f.rawApply,
                f.visibleLow.p(50),
                f.visibleLow.p(99),
                f.drain,
                f.rssMaxMiB);
    }

    static String table(Figures f, Options o) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                Locale.ROOT,
                "Run of %s, `bin/relay bench --seconds %d --rate %.0f --visible-rate %.0f --clients %d --backlog %d --warmup %d`."
                        + " Measured after a warm-up of %d writes in %.0f s (%d clients, closed loop), in which the JIT"
                        + " compilers of all the JVMs went from %.0f %% of a core (first %d s) to %.0f %% (last %d s):%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS),
                o.seconds,
                o.rate,
                o.visibleRate,
                o.clients,
                o.backlog,
                o.warmup,
                f.warmup.writes(),
                f.warmup.seconds(),
                o.clients,
                f.warmup.compilersFirst(),
                WARM_UP_ROUND.toSeconds(),
                f.warmup.compilersLast(),
                WARM_UP_ROUND.toSeconds()));
        t.append("| path | ops-db-relay | raw, same run, same machine | ratio |\n|---|---|---|---|\n");
        t.append(String.format(
                Locale.ROOT,
                "| ack at the observatory, %.0f writes/s open loop, %d s | HTTP p50 %.1f ms, p99 %.1f ms (%d failed) "
                        + "| Kafka producer as observatory-app's, same broker, same rate, %d B, acks=all, idempotent, `flush.messages=1`: p50 %.1f ms, p99 %.1f ms "
                        + "| p99 %+.1f ms |%n",
                f.rate,
                o.seconds,
                f.ack.millis(50),
                f.ack.millis(99),
                f.ack.failures(),
                RAW_RECORD_BYTES,
                f.rawAck.millis(50),
                f.rawAck.millis(99),
                f.ack.millis(99) - f.rawAck.millis(99)));
        t.append(String.format(
                Locale.ROOT,
                "| sustained writes, %d clients closed loop, %d s | %.0f/s; in flight %d at the start, %d at the end, %d at most | | |%n",
                f.clients,
                o.seconds,
                f.sustained,
                f.inFlightStart,
                f.inFlightEnd,
                f.inFlightMax));
        t.append(String.format(
                Locale.ROOT,
                "| apply at Cologne, %d-command backlog | %.0f commands/s (ledger `applied_at`) "
                        + "| JDBC batches of %d rows into a copy of `executed_obs_unit`, %d threads: %.0f rows/s | %.1f %% |%n",
                f.backlog,
                f.apply,
                RAW_ROWS_PER_TRANSACTION,
                RAW_APPLY_THREADS,
                f.rawApply,
                100 * f.apply / f.rawApply));
        t.append(String.format(
                Locale.ROOT,
                "| drain to VISIBLE at the observatory | %.0f/s | apply %.0f/s | %.0f %% |%n",
                f.drain,
                f.apply,
                100 * f.drain / f.apply));
        t.append(String.format(
                Locale.ROOT,
                "| ack to VISIBLE, %.0f writes/s open loop | p50 %.0f ms, p99 %.0f ms (%d not VISIBLE) "
                        + "| floor: two MirrorMaker 2 hops, apply, replay, replay-position poll | |%n",
                f.visibleRate,
                f.visibleLow.p(50),
                f.visibleLow.p(99),
                f.visibleLow.notVisible()));
        t.append(String.format(
                Locale.ROOT,
                "| ack to VISIBLE at the sustained rate (every tenth write) | p50 %.0f ms, p99 %.0f ms | | |%n",
                f.visibleSustained.p(50),
                f.visibleSustained.p(99)));
        t.append(String.format(
                Locale.ROOT, "| observatory application RSS, largest sample | %d MiB | | |%n%n", f.rssMaxMiB));
        t.append("```\n").append(line(f)).append("\n```\n");
        if (!f.cpu().isEmpty()) {
            t.append(String.format(
                    Locale.ROOT,
                    "%nCPU by component, as a share of one core (this machine has %d), over each phase (from /proc; a"
                            + " PostgreSQL server with its backends):%n%n",
                    Runtime.getRuntime().availableProcessors()));
            t.append(CpuAccounting.table(f.cpu()));
            t.append(String.format(
                    Locale.ROOT,
                    "%nCPU per acknowledged write over idle, whole machine: %.1f ms at %.0f/s.%n",
                    cpuPerWriteMillis(f),
                    f.rate));
        }
        return t.toString();
    }

    /** The CPU table's column of the acknowledgement phase, by which the CPU per write finds it. */
    private static String ackPhase(double rate) {
        return String.format(Locale.ROOT, "ack %.0f/s", rate);
    }

    /** The machine's CPU time per write of the acknowledgement phase, beyond what the idle system takes. */
    static double cpuPerWriteMillis(Figures f) {
        Map<String, Double> idle = f.cpu().get(IDLE_PHASE);
        Map<String, Double> ack = f.cpu().get(ackPhase(f.rate));
        if (idle == null || ack == null) {
            return Double.NaN;
        }
        double over = ack.values().stream().mapToDouble(Double::doubleValue).sum()
                - idle.values().stream().mapToDouble(Double::doubleValue).sum();
        // percent of one core = 10 ms of CPU per second
        return over * 10 / f.rate;
    }

    /** Replaces the latest run's section of the report, keeping everything else (earlier runs, the analysis). */
    static void writeReport(Path report, String table, String line) throws IOException {
        String section = BEGIN_MARKER + "\n" + table + END_MARKER;
        String text = Files.exists(report) ? Files.readString(report) : """
                # Performance

                Measured by `bin/relay bench`: the whole two-site system and, in the same run on the same machine, its raw parts.

                ## Latest run

                """ + BEGIN_MARKER + "\n" + END_MARKER + "\n";
        int begin = text.indexOf(BEGIN_MARKER);
        int end = text.indexOf(END_MARKER);
        if (begin < 0 || end < begin) {
            text = text + "\n## Latest run\n\n" + section + "\n";
        } else {
            text = text.substring(0, begin) + section + text.substring(end + END_MARKER.length());
        }
        Files.createDirectories(report.getParent());
        Files.writeString(report, text);
    }
}
