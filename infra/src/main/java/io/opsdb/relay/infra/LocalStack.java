package io.opsdb.relay.infra;

import io.opsdb.relay.infra.app.ApiTokenIssuer;
import io.opsdb.relay.infra.app.RelayApplicationProcess;
import io.opsdb.relay.infra.kafka.KafkaBroker;
import io.opsdb.relay.infra.kafka.KafkaCluster;
import io.opsdb.relay.infra.mirror.MirrorMakerProcess;
import io.opsdb.relay.infra.mirror.MirrorMakerProperties;
import io.opsdb.relay.infra.postgres.PostgresCredentials;
import io.opsdb.relay.infra.postgres.PostgresPrimary;
import io.opsdb.relay.infra.postgres.PostgresReplica;
import io.opsdb.relay.infra.postgres.PostgresServer;
import io.opsdb.relay.infra.postgres.PostgresTools;
import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.LauncherPidFile;
import io.opsdb.relay.infra.process.PidFiles;
import io.opsdb.relay.infra.process.WorkDirectory;
import io.opsdb.relay.kafka.RelayTopics;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * The two-site stack on one machine, every component its own OS process, all data under one work directory:
 *
 * <ol>
 *   <li>{@value #PRIMARY}: PostgreSQL primary (main site);</li>
 *   <li>{@value #REPLICA}: its streaming hot standby (observatory);</li>
 *   <li>{@value #KAFKA_COLOGNE}, {@value #KAFKA_OBSERVATORY}: one single-node KRaft cluster per site, with the
 *       relay's topics created before mirroring starts;</li>
 *   <li>{@value #MM2_COLOGNE}, {@value #MM2_OBSERVATORY}: MirrorMaker 2 into each cluster (commands
 *       observatory to cologne, outcomes cologne to observatory);</li>
 *   <li>{@value #COLOGNE_APP}, {@value #OBSERVATORY_APP}: the applications, if
 *       {@link StackConfig#startApplications()}. Once the main site's is up, and while the observatory's starts, the
 *       application's {@code create-token} command issues a service and an admin API token at the primary (kept in
 *       {@code secrets/}, see {@link #serviceToken()}), and the replica is awaited until it has them, so that the
 *       observatory accepts them from its first request.</li>
 * </ol>
 *
 * Components start in that order and stop in reverse. Each can be stopped, killed and restarted alone on its
 * data, which is what fault tests do. A JVM shutdown hook stops whatever still runs, so SIGTERM to the JVM that
 * started the stack (its pid is in {@code launcher.pid}, see {@link StackProcesses}) stops it in order.
 *
 * <p>The work directory is a deployment's, not a fixture's: {@link #start} resumes the stack it holds (the same
 * databases, Kafka logs and cluster ids, MirrorMaker 2 and consumer offsets, Kafka Streams state, database password
 * and API tokens), so a write buffered before a stop drains after the next start. Only {@link #startFresh} and
 * {@link #reset} wipe it. {@code stack.properties} ({@link StackManifest}) marks a stack whose first start completed;
 * a non-empty directory without it is the remains of a first start that failed, and is refused rather than guessed at.
 */
public final class LocalStack implements AutoCloseable {

    public static final String PRIMARY = "primary";
    public static final String REPLICA = "replica";
    public static final String KAFKA_COLOGNE = "kafka-cologne";
    public static final String KAFKA_OBSERVATORY = "kafka-observatory";
    public static final String MM2_COLOGNE = "mm2-cologne";
    public static final String MM2_OBSERVATORY = "mm2-observatory";
    public static final String COLOGNE_APP = "cologne-app";
    public static final String OBSERVATORY_APP = "observatory-app";
    /** System property that, when set, becomes the applications' TRANSACTION_STATE_STORE. */
    public static final String TRANSACTION_STATE_STORE_PROPERTY = "relay.transaction-state-store";
    /** System property that, when set, becomes the applications' TRANSACTION_STATUS_RETENTION (an ISO-8601 duration). */
    public static final String TRANSACTION_STATUS_RETENTION_PROPERTY = "relay.transaction-status-retention";
    /** System property that, when set, becomes the applications' BUFFER_DURABILITY ({@code fsync} or {@code page-cache}). */
    public static final String BUFFER_DURABILITY_PROPERTY = "relay.buffer-durability";
    /** The application every site runs, relative to the project root. */
    static final String RELAY_APP_JAR = "relay-app/target/relay-app-exec.jar";
    /** Cologne's application: the applier's batches of commands up to 8 MiB each, and Debezium. */
    static final String MAIN_APP_HEAP = "512m";
    /**
     * The observatory's application keeps its transactions in RocksDB, not on the heap: with a million settling its
     * live heap was 50 MiB. Its whole RSS should stay within 512 MiB (issue 7), and a larger heap is only room for
     * garbage; 192 MiB still takes the largest transaction (MaximalWriteIT).
     */
    static final String SECONDARY_APP_HEAP = "192m";

    /** Every component's name, in start order; {@code bin/relay stop} and {@code status} work from it. */
    public static final List<String> COMPONENT_NAMES = List.of(PRIMARY, REPLICA, KAFKA_COLOGNE, KAFKA_OBSERVATORY,
            MM2_COLOGNE, MM2_OBSERVATORY, COLOGNE_APP, OBSERVATORY_APP);

    /** The user and role of the token the demo and the tests write with, and its file in {@code secrets/}. */
    static final String SERVICE_USER = "relay-service";
    static final String SERVICE_TOKEN_FILE = "service-token";
    /** The user of the admin token, which manages further tokens at the main site, and its file. */
    static final String ADMIN_USER = "relay-admin";
    static final String ADMIN_TOKEN_FILE = "admin-token";
    private static final Duration TOKEN_REPLICATION_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration TOPIC_CREATION_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final StackConfig config;
    private final WorkDirectory workDir;
    private final PostgresCredentials credentials;
    private final PostgresPrimary primary;
    private final PostgresReplica replica;
    private final KafkaBroker kafkaCologne;
    private final KafkaBroker kafkaObservatory;
    private final ApiTokenIssuer tokenIssuer;
    private volatile String serviceToken;
    private volatile String adminToken;
    private final Map<String, StackComponent> components = new LinkedHashMap<>();
    private final List<StackComponent> started = Collections.synchronizedList(new ArrayList<>());
    private final LauncherPidFile launcher;
    private boolean resumed;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "local-stack-shutdown");
    private boolean stopped;

    private LocalStack(StackConfig config, PostgresTools postgresTools) {
        this.config = config;
        this.workDir = new WorkDirectory(config.workDir());
        this.launcher = new LauncherPidFile(workDir.launcherPidFile());
        this.credentials = PostgresCredentials.readOrGenerate(dbPasswordFile(workDir));
        StackPorts ports = config.ports();
        JavaCommand java = JavaCommand.forBuild(config.relayHome(), workDir);

        primary = new PostgresPrimary(PRIMARY, ports.primaryDb(), credentials, postgresTools, workDir);
        replica = new PostgresReplica(REPLICA, ports.replicaDb(), primary, credentials, postgresTools, workDir);
        KafkaCluster cologne = new KafkaCluster(Site.COLOGNE.siteName(), ports.mainKafka());
        KafkaCluster observatory = new KafkaCluster(Site.OBSERVATORY.siteName(), ports.observatoryKafka());
        kafkaCologne = new KafkaBroker(KAFKA_COLOGNE, cologne, ports.kafkaController(Site.COLOGNE), workDir, java);
        kafkaObservatory = new KafkaBroker(KAFKA_OBSERVATORY, observatory, ports.kafkaController(Site.OBSERVATORY),
                workDir, java);

        Path mirrorProperties = workDir.data("mirror").resolve("mm2.properties");
        new MirrorMakerProperties().cluster(cologne).cluster(observatory)
                .flow(observatory, cologne, literal(RelayTopics.COMMANDS))
                .flow(cologne, observatory, literal(RelayTopics.OUTCOMES))
                .writeTo(mirrorProperties);

        add(primary);
        add(replica);
        add(kafkaCologne);
        add(kafkaObservatory);
        add(new MirrorMakerProcess(MM2_COLOGNE, mirrorProperties, cologne,
                observatory.alias() + "." + RelayTopics.COMMANDS, workDir, java));
        add(new MirrorMakerProcess(MM2_OBSERVATORY, mirrorProperties, observatory,
                cologne.alias() + "." + RelayTopics.OUTCOMES, workDir, java));
        if (config.startApplications()) {
            // One code base at both sites: SITE_TYPE in the environment decides the role.
            Path relayApp = workDir.snapshot(config.relayHome().resolve(RELAY_APP_JAR));
            Map<String, String> mainEnvironment = applicationEnvironment(Site.COLOGNE, ports.mainApi(), cologne, primary);
            add(new RelayApplicationProcess(COLOGNE_APP, relayApp, mainEnvironment, MAIN_APP_HEAP, ports.mainApi(), workDir,
                    java));
            tokenIssuer = new ApiTokenIssuer(relayApp, mainEnvironment, workDir, java);
            add(new RelayApplicationProcess(OBSERVATORY_APP, relayApp,
                    applicationEnvironment(Site.OBSERVATORY, ports.observatoryApi(), observatory, replica),
                    SECONDARY_APP_HEAP, ports.observatoryApi(), workDir, java));
        } else {
            tokenIssuer = null;
        }
    }

    /**
     * Starts the stack in its work directory and returns once every component is ready: the stack it holds if its
     * first start completed, else a new one in an empty or missing directory.
     *
     * @throws StackException if a stack already runs from that directory, a port is taken or differs from the one
     *                        the stack was made with, the directory holds an incomplete stack, a prerequisite is
     *                        missing or a component does not become ready; whatever had started is stopped again
     */
    public static LocalStack start(StackConfig config) {
        return start(config, false);
    }

    /**
     * Deletes the work directory and starts a new stack in it: for tests, which must not depend on what an earlier
     * run left, and for {@code bin/relay demo}.
     *
     * @throws StackException as {@link #start}
     */
    public static LocalStack startFresh(StackConfig config) {
        return start(config, true);
    }

    /**
     * Deletes the work directory, and with it the stack's databases, Kafka logs, buffered writes and tokens, after
     * killing any process a crashed run left.
     *
     * @throws StackException if a stack runs from it: it is stopped first, not killed under its launcher
     */
    public static void reset(StackConfig config) {
        WorkDirectory workDir = new WorkDirectory(config.workDir());
        refuseIfRunning(workDir);
        PidFiles.killLeftovers(workDir.pids(), workDir.root());
        workDir.delete();
    }

    private static LocalStack start(StackConfig config, boolean fresh) {
        long begin = System.nanoTime();
        WorkDirectory workDir = new WorkDirectory(config.workDir());
        refuseIfRunning(workDir);
        // A crashed previous run may still hold the ports.
        PidFiles.killLeftovers(workDir.pids(), workDir.root());
        PortClaim.conflicts(config.ports().claims(config.startApplications())).ifPresent(conflicts -> {
            throw new StackException(conflicts);
        });
        PostgresTools postgresTools = PostgresTools.locate(System.getenv());
        boolean resuming = !fresh && resumable(workDir, config);
        if (resuming) {
            workDir.create();
        } else {
            workDir.recreate();
        }
        LOG.info(resuming ? "Resuming the local stack in {}" : "Starting a new local stack in {}", workDir.root());

        LocalStack stack = new LocalStack(config, postgresTools);
        if (resuming) {
            stack.requireInitialized();
        }
        stack.resumed = resuming;
        stack.launcher.writeCurrent();
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll();
        } catch (RuntimeException e) {
            stack.stopQuietly();
            throw e instanceof StackException ? e : new StackException(Await.oneLine(e), e);
        }
        if (!resuming) {
            new StackManifest(Instant.now(), config.ports()).writeTo(workDir.root());
        }
        LOG.info("Local stack up in {} ms", Duration.ofNanos(System.nanoTime() - begin).toMillis());
        return stack;
    }

    private static void refuseIfRunning(WorkDirectory workDir) {
        new LauncherPidFile(workDir.launcherPidFile()).other().ifPresent(launcher -> {
            throw new StackException("a stack is already running from " + workDir.root() + " (launcher pid "
                    + launcher.pid() + "): stop it with 'bin/relay stop'");
        });
    }

    /**
     * Whether the directory holds a stack to resume (false: no component has data there, a new stack is made).
     *
     * @throws StackException if it holds the remains of a first start that failed half-way, or the ports differ from
     *                        the stack's
     */
    private static boolean resumable(WorkDirectory workDir, StackConfig config) {
        Optional<StackManifest> manifest = StackManifest.read(workDir.root());
        if (manifest.isEmpty()) {
            if (!workDir.holdsComponentData()) {
                return false;
            }
            throw new StackException(workDir.root() + " holds an incomplete stack (its first start did not finish: no "
                    + StackManifest.FILE_NAME + "): run 'bin/relay reset --yes' to start afresh");
        }
        List<String> changes = manifest.get().portChanges(config.ports());
        if (!changes.isEmpty()) {
            throw new StackException("the stack in " + workDir.root() + " keeps its ports, but " + String.join(", ", changes)
                    + ": set them back, or run 'bin/relay reset --yes' to start afresh");
        }
        // Checked before the stack is built: building it makes a new password where there is none.
        if (!Files.isRegularFile(dbPasswordFile(workDir))) {
            throw new StackException("the stack in " + workDir.root() + " is damaged, missing "
                    + workDir.root().relativize(dbPasswordFile(workDir)) + ": run 'bin/relay reset --yes' to start afresh");
        }
        return true;
    }

    /** A resumed stack needs every component's data: one missing is damage, not a reason to make an empty one. */
    private void requireInitialized() {
        List<String> missing = components.values().stream().filter(component -> !component.isInitialized())
                .map(component -> component.name() + "'s data").toList();
        if (!missing.isEmpty()) {
            throw new StackException("the stack in " + workDir.root() + " is damaged, missing " + String.join(", ", missing)
                    + ": run 'bin/relay reset --yes' to start afresh");
        }
    }

    private static Path dbPasswordFile(WorkDirectory workDir) {
        return workDir.secrets().resolve("db-password");
    }

    private void startAll() {
        startTogether(PRIMARY);
        startTogether(REPLICA);
        // The two clusters, and later the two MirrorMaker instances, are independent: starting them together
        // saves a JVM start-up each.
        startTogether(KAFKA_COLOGNE, KAFKA_OBSERVATORY);
        // Before MirrorMaker 2 starts: it would see a later topic only at its next topic refresh.
        createTopics();
        startTogether(MM2_COLOGNE, MM2_OBSERVATORY);
        if (config.startApplications()) {
            // The secondary's application talks to the main site's at start-up.
            startTogether(COLOGNE_APP);
            // Tokens need only the main site; made while the observatory's application starts, they cost no time.
            CompletableFuture<Void> tokens = CompletableFuture.runAsync(this::issueTokens, runnable -> {
                Thread thread = new Thread(runnable, "issue-tokens");
                thread.setDaemon(true);
                thread.start();
            });
            try {
                startTogether(OBSERVATORY_APP);
            } catch (RuntimeException e) {
                // Reported rather than a token failure it may have caused; the tokens' command ends on its own.
                tokens.exceptionally(failure -> null).join();
                throw e;
            }
            joinRethrowing(tokens);
        }
    }

    private static void joinRethrowing(CompletableFuture<Void> task) {
        try {
            task.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Starts the named components concurrently and returns when all are ready. */
    private void startTogether(String... names) {
        List<StackComponent> batch = new ArrayList<>();
        synchronized (this) {
            // Ctrl-C while starting: the shutdown hook has stopped what ran, nothing more may start.
            if (stopped) {
                throw new StackException("the stack was stopped while starting");
            }
            for (String name : names) {
                batch.add(component(name));
            }
            started.addAll(batch);
        }
        if (batch.size() == 1) {
            batch.get(0).start();
            return;
        }
        List<CompletableFuture<Void>> starts = batch.stream()
                .map(component -> CompletableFuture.runAsync(component::start, runnable -> {
                    Thread thread = new Thread(runnable, "start-" + component.name());
                    thread.setDaemon(true);
                    thread.start();
                }))
                .toList();
        for (CompletableFuture<Void> start : starts) {
            joinRethrowing(start);
        }
    }

    /**
     * Tokens are made at the main site once its migrations have run, and reach the observatory through the replica:
     * waiting for the replica here means the observatory accepts them from its first request. Tokens an earlier
     * start kept are the stack's own and already in both databases: they are read, not issued again.
     */
    private void issueTokens() {
        long begin = System.nanoTime();
        Optional<String> keptService = tokenIssuer.kept(SERVICE_TOKEN_FILE);
        Optional<String> keptAdmin = tokenIssuer.kept(ADMIN_TOKEN_FILE);
        serviceToken = keptService.orElseGet(() -> tokenIssuer.issue(SERVICE_USER, "service", SERVICE_TOKEN_FILE));
        adminToken = keptAdmin.orElseGet(() -> tokenIssuer.issue(ADMIN_USER, "admin", ADMIN_TOKEN_FILE));
        if (keptService.isPresent() && keptAdmin.isPresent()) {
            LOG.info("API tokens kept from an earlier start: {}, {}", serviceTokenFile(), adminTokenFile());
            return;
        }
        replica.awaitCaughtUp(TOKEN_REPLICATION_TIMEOUT);
        LOG.info("API tokens issued and replicated in {} ms: {}, {}", Duration.ofNanos(System.nanoTime() - begin).toMillis(),
                serviceTokenFile(), adminTokenFile());
    }

    private void createTopics() {
        // A single partition each: commands and outcomes are applied in order. The observatory's application makes
        // ops.commands' flush setting what its BUFFER_DURABILITY says when it starts (see CommandTopic).
        NewTopic commands = new NewTopic(RelayTopics.COMMANDS, 1, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        // Outcomes are kept as long as commands: a secondary cut off from them for longer than a bounded retention would
        // otherwise never hear of what it buffered (it also reads its replica's ledger for overdue ones).
        NewTopic outcomes = new NewTopic(RelayTopics.OUTCOMES, 1, (short) 1)
                .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        // Retried: a broker that just answered may not have registered with its controller yet.
        Await.until(() -> {
            kafkaObservatory.cluster().createTopics(List.of(commands));
            kafkaCologne.cluster().createTopics(List.of(outcomes));
            return true;
        }, TOPIC_CREATION_TIMEOUT, "topics " + RelayTopics.COMMANDS + " and " + RelayTopics.OUTCOMES + " were created");
    }

    private void add(StackComponent component) {
        components.put(component.name(), component);
    }

    /** A topic name as a MirrorMaker 2 topic pattern matching only that topic. */
    private static Pattern literal(String topic) {
        return Pattern.compile(topic.replace(".", "\\."));
    }

    /** The applications' whole configuration: each writes to the primary and reads its own site's database. */
    private Map<String, String> applicationEnvironment(Site site, int apiPort, KafkaCluster kafka,
                                                       PostgresServer localDb) {
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("SITE_NAME", site.siteName());
        environment.put("SITE_TYPE", site.siteType());
        environment.put("SERVER_PORT", String.valueOf(apiPort));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        // Kafka Streams state stores in the work directory, per site; they survive a restart of the application.
        environment.put("STATE_DIR", workDir.data("streams").toString());
        String stateStore = System.getProperty(TRANSACTION_STATE_STORE_PROPERTY);
        if (stateStore != null) {
            environment.put("TRANSACTION_STATE_STORE", stateStore);
        }
        String retention = System.getProperty(TRANSACTION_STATUS_RETENTION_PROPERTY);
        if (retention != null) {
            environment.put("TRANSACTION_STATUS_RETENTION", retention);
        }
        String durability = System.getProperty(BUFFER_DURABILITY_PROPERTY);
        if (durability != null) {
            environment.put("BUFFER_DURABILITY", durability);
        }
        putDatabase(environment, "MAIN_DB_", primary);
        putDatabase(environment, "LOCAL_DB_", localDb);
        return environment;
    }

    private void putDatabase(Map<String, String> environment, String prefix, PostgresServer server) {
        environment.put(prefix + "HOST", "127.0.0.1");
        environment.put(prefix + "PORT", String.valueOf(server.port()));
        environment.put(prefix + "USER", credentials.user());
        environment.put(prefix + "PASSWORD", credentials.password());
        environment.put(prefix + "NAME", PostgresServer.DATABASE);
    }

    /**
     * Stops every started component in reverse start order. Idempotent; also run by the shutdown hook.
     *
     * @throws StackException naming the components that did not stop, after trying all of them
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        long begin = System.nanoTime();
        List<String> failures = new ArrayList<>();
        List<StackComponent> reverse;
        synchronized (started) {
            reverse = new ArrayList<>(started);
        }
        Collections.reverse(reverse);
        for (StackComponent component : reverse) {
            try {
                long stopBegin = System.nanoTime();
                component.stop();
                LOG.info("{} stopped in {} ms", component.name(),
                        Duration.ofNanos(System.nanoTime() - stopBegin).toMillis());
            } catch (RuntimeException e) {
                // Teardown goes on: the other components must not be left running because one failed to stop.
                LOG.warn("Stopping {} failed: {}", component.name(), Await.oneLine(e));
                failures.add(component.name());
            }
        }
        removeShutdownHook();
        launcher.deleteIfCurrent();
        LOG.info("Local stack stopped in {} ms", Duration.ofNanos(System.nanoTime() - begin).toMillis());
        if (!failures.isEmpty()) {
            throw new StackException("could not stop " + String.join(", ", failures) + ": see " + workDir.logs());
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn(e.getMessage());
        }
    }

    private void removeShutdownHook() {
        if (Thread.currentThread() == shutdownHook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook is running or has run.
        }
    }

    /**
     * A component by name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public StackComponent component(String name) {
        StackComponent component = components.get(name);
        if (component == null) {
            throw new IllegalArgumentException("no component '" + name + "' in this stack; known: " + components.keySet());
        }
        return component;
    }

    /** Every component, in start order. */
    public List<StackComponent> components() {
        return List.copyOf(components.values());
    }

    /** Stops one component gracefully. */
    public void stop(String name) {
        component(name).stop();
    }

    /** Kills one component with SIGKILL. */
    public void kill(String name) {
        component(name).kill();
    }

    /** Stops one component if it runs, and starts it again on its existing data; returns once it is ready. */
    public void restart(String name) {
        StackComponent component = component(name);
        component.stop();
        component.start();
    }

    public StackConfig config() {
        return config;
    }

    /** Whether this stack resumed one an earlier start made, rather than being made by this start. */
    public boolean resumed() {
        return resumed;
    }

    /** The main site's application, {@code http://127.0.0.1:<main api port>}. */
    public URI mainApi() {
        return URI.create("http://127.0.0.1:" + config.ports().mainApi());
    }

    /** The observatory's application, {@code http://127.0.0.1:<observatory api port>}. */
    public URI observatoryApi() {
        return URI.create("http://127.0.0.1:" + config.ports().observatoryApi());
    }

    public String mainBootstrapServers() {
        return kafkaCologne.cluster().bootstrapServers();
    }

    public String observatoryBootstrapServers() {
        return kafkaObservatory.cluster().bootstrapServers();
    }

    public String primaryJdbcUrl() {
        return primary.jdbcUrl();
    }

    public String replicaJdbcUrl() {
        return replica.jdbcUrl();
    }

    /**
     * An API token with role {@code service} (reads and writes, at both sites), also in {@link #serviceTokenFile()}.
     *
     * @throws IllegalStateException if this stack runs no applications
     */
    public String serviceToken() {
        return requireToken(serviceToken);
    }

    /**
     * An API token with role {@code admin} (everything, including {@code /api/tokens} at the main site), also in
     * {@link #adminTokenFile()}.
     *
     * @throws IllegalStateException if this stack runs no applications
     */
    public String adminToken() {
        return requireToken(adminToken);
    }

    /** {@code <workdir>/secrets/service-token}, mode 600. */
    public Path serviceTokenFile() {
        return workDir.secrets().resolve(SERVICE_TOKEN_FILE);
    }

    /** {@code <workdir>/secrets/admin-token}, mode 600. */
    public Path adminTokenFile() {
        return workDir.secrets().resolve(ADMIN_TOKEN_FILE);
    }

    private String requireToken(String token) {
        if (token == null) {
            throw new IllegalStateException(config.startApplications()
                    ? "the applications have not started yet, so there are no API tokens"
                    : "this stack runs no applications, so it has no API tokens");
        }
        return token;
    }

    public String dbUser() {
        return credentials.user();
    }

    public String dbPassword() {
        return credentials.password();
    }

    public Path workDir() {
        return workDir.root();
    }

    public Path logDir() {
        return workDir.logs();
    }
}
