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
import io.opsdb.relay.infra.tls.WanCertificates;
import io.opsdb.relay.kafka.RelayTopics;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack on one machine, every component its own OS process, all data under one work directory: the main
 * site, cologne, and one or more secondary sites ({@link SiteList}; the default is the observatory alone).
 *
 * <ol>
 *   <li>{@value #PRIMARY}: PostgreSQL primary (main site);</li>
 *   <li>each secondary's streaming hot standby of it ({@value #REPLICA} for the first, {@code replica-<site>} for the
 *       others), each through its own replication slot;</li>
 *   <li>{@value #KAFKA_COLOGNE} and each secondary's {@code kafka-<site>}: one single-node KRaft cluster per site,
 *       with the relay's topics created before mirroring starts;</li>
 *   <li>per secondary two MirrorMaker 2 processes, each with the flow into its cluster: the site's commands into
 *       cologne ({@value #MM2_COLOGNE} for the first, {@code mm2-cologne-<site>} for the others; they become
 *       {@code <site>.ops.commands} there) and the site's outcomes, {@code ops.outcomes.<site>} at cologne, into the
 *       site ({@code mm2-<site>}; only its own);</li>
 *   <li>{@value #COLOGNE_APP} and each secondary's {@code <site>-app}: the applications, if
 *       {@link StackConfig#startApplications()}. Once the main site's is up, and while the secondaries' start, the
 *       application's {@code create-token} command issues a service and an admin API token at the primary (kept in
 *       {@code secrets/}, see {@link #serviceToken()}), and the replicas are awaited until they have them, so that
 *       every secondary accepts them from its first request.</li>
 * </ol>
 *
 * Components start in that order, those of one kind together, and stop in reverse. Each can be stopped, killed and
 * restarted alone on its data, which is what fault tests do; a site's WAN link is its two MirrorMaker 2 processes.
 * A JVM shutdown hook stops whatever still runs, so SIGTERM to the JVM that started the stack (its pid is in
 * {@code launcher.pid}, see {@link StackProcesses}) stops it in order.
 *
 * <p>The work directory is a deployment's, not a fixture's: {@link #start} resumes the stack it holds (the same
 * databases, Kafka logs and cluster ids, MirrorMaker 2 and consumer offsets, Kafka Streams state, database password
 * and API tokens), so a write buffered before a stop drains after the next start. Only {@link #startFresh} and
 * {@link #reset} wipe it. {@code stack.properties} ({@link StackManifest}) marks a stack whose first start completed;
 * a non-empty directory without it is the remains of a first start that failed, and is refused rather than guessed at.
 * Sites can be added, to a stopped stack ({@link #start} with more sites) or to a running one ({@link #addSites});
 * never removed.
 */
public final class LocalStack implements AutoCloseable {

    public static final String PRIMARY = SecondarySite.PRIMARY;
    public static final String REPLICA = SiteList.DEFAULT.first().replica();
    public static final String KAFKA_COLOGNE = SecondarySite.MAIN_KAFKA;
    public static final String KAFKA_OBSERVATORY = SiteList.DEFAULT.first().kafka();
    public static final String MM2_COLOGNE = SiteList.DEFAULT.first().mirrorToMain();
    public static final String MM2_OBSERVATORY = SiteList.DEFAULT.first().mirrorFromMain();
    public static final String COLOGNE_APP = SecondarySite.MAIN_APP;
    public static final String OBSERVATORY_APP = SiteList.DEFAULT.first().app();
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
     * A secondary's application keeps its transactions in RocksDB, not on the heap: with a million settling its live
     * heap was 50 MiB. What needs the room is the largest transaction: an 8 MiB command is several times that as
     * objects, in the request that writes it and again in the state processor that takes it in. With 192 MiB, four
     * clients writing it at once ended the application with an OutOfMemoryError (MaximalWriteIT), even with large
     * requests taken one at a time and the stores keeping operations encoded.
     */
    static final String SECONDARY_APP_HEAP = "256m";

    /**
     * Every component's name of the default stack, in start order; {@link SiteList#componentNames()} has those of
     * any other.
     */
    public static final List<String> COMPONENT_NAMES = SiteList.DEFAULT.componentNames();

    /** The user and role of the token the demo and the tests write with, and its file in {@code secrets/}. */
    static final String SERVICE_USER = "relay-service";

    static final String SERVICE_TOKEN_FILE = "service-token";
    /** The user of the admin token, which manages further tokens at the main site, and its file. */
    static final String ADMIN_USER = "relay-admin";

    static final String ADMIN_TOKEN_FILE = "admin-token";
    private static final Duration TOKEN_REPLICATION_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration TOPIC_CREATION_TIMEOUT = Duration.ofSeconds(30);
    /**
     * Components of one kind start together, at most this many at once: more JVMs starting than there are cores only
     * stretch each one's start towards its timeout. Two, as the stack of one secondary always started them.
     */
    private static final int PARALLEL_STARTS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final StackConfig config;
    private final WorkDirectory workDir;
    private final PostgresCredentials credentials;
    private final PostgresTools postgresTools;
    private final JavaCommand java;
    private final PostgresPrimary primary;
    private final KafkaBroker kafkaCologne;
    /** The relay-app jar the applications run, and the main site's environment; null without applications. */
    private final Path relayApp;

    private final Map<String, String> mainEnvironment;
    private final ApiTokenIssuer tokenIssuer;
    private volatile SiteList sites;
    private final Map<String, Secondary> secondaries = new ConcurrentHashMap<>();
    private volatile String serviceToken;
    private volatile String adminToken;
    private final Map<String, StackComponent> components = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<StackComponent> started = Collections.synchronizedList(new ArrayList<>());
    private final LauncherPidFile launcher;
    private boolean resumed;
    private final Thread shutdownHook = new Thread(this::stopQuietly, "local-stack-shutdown");
    private final Object addition = new Object();
    private boolean stopped;

    /** A secondary site's parts that others need to reach. */
    private record Secondary(
            SecondarySite site,
            PostgresReplica replica,
            KafkaBroker kafka,
            Path mirrorProperties,
            Map<String, String> environment) {}

    private final WanCertificates certificates;

    private LocalStack(StackConfig config, SiteList sites, PostgresTools postgresTools) {
        this.config = config;
        this.sites = sites;
        this.postgresTools = postgresTools;
        this.workDir = new WorkDirectory(config.workDir());
        this.launcher = new LauncherPidFile(workDir.launcherPidFile());
        this.credentials = PostgresCredentials.readOrGenerate(dbPasswordFile(workDir));
        StackPorts ports = config.ports();
        this.java = JavaCommand.forBuild(config.relayHome(), workDir);
        this.certificates = new WanCertificates(workDir);

        primary = new PostgresPrimary(PRIMARY, ports.primaryDb(), credentials, certificates, postgresTools, workDir);
        kafkaCologne = new KafkaBroker(
                KAFKA_COLOGNE,
                new KafkaCluster(Site.COLOGNE.siteName(), ports.mainKafka()),
                ports.mainKafkaController(),
                certificates,
                workDir,
                java);
        add(primary);
        add(kafkaCologne);
        if (config.startApplications()) {
            // One code base at every site: SITE_TYPE in the environment decides the role.
            relayApp = java.extractBootJar(
                    config.relayHome().resolve(RELAY_APP_JAR), workDir.lib().resolve("relay-app"));
            mainEnvironment = applicationEnvironment(Site.COLOGNE, ports.mainApi(), kafkaCologne.cluster(), primary);
            add(new RelayApplicationProcess(
                    COLOGNE_APP, relayApp, mainEnvironment, MAIN_APP_HEAP, ports.mainApi(), workDir, java));
            tokenIssuer = new ApiTokenIssuer(relayApp, mainEnvironment, workDir, java);
        } else {
            relayApp = null;
            mainEnvironment = Map.of();
            tokenIssuer = null;
        }
        sites.secondaries().forEach(this::build);
    }

    /** Makes a secondary site's components and adds them to the stack's, in start order. */
    private void build(SecondarySite site) {
        StackPorts.SecondaryPorts ports = config.ports().secondary(site);
        PostgresReplica replica =
                new PostgresReplica(site.replica(), ports.replicaDb(), primary, credentials, postgresTools, workDir);
        KafkaCluster cluster = new KafkaCluster(site.name(), ports.kafka());
        KafkaBroker kafka =
                new KafkaBroker(site.kafka(), cluster, ports.kafkaController(), certificates, workDir, java);
        KafkaCluster cologne = kafkaCologne.cluster();

        // One file per secondary, declaring only cologne and that site: each MirrorMaker 2 process then runs one flow
        // (and its heartbeats) and never connects to another secondary's cluster. Into the site only its own outcomes.
        Path mirrorProperties = workDir.data("mirror").resolve(site.name() + ".properties");
        mirrorMakerProperties(cologne, cluster, site, certificates.directory()).writeTo(mirrorProperties);

        synchronized (components) {
            add(replica);
            add(kafka);
            add(new MirrorMakerProcess(
                    site.mirrorToMain(),
                    mirrorProperties,
                    cluster,
                    cologne,
                    cluster.alias() + "." + RelayTopics.COMMANDS,
                    workDir,
                    java));
            add(new MirrorMakerProcess(
                    site.mirrorFromMain(),
                    mirrorProperties,
                    cologne,
                    cluster,
                    cologne.alias() + "." + RelayTopics.outcomes(site.name()),
                    workDir,
                    java));
            Map<String, String> environment = Map.of();
            if (config.startApplications()) {
                environment = applicationEnvironment(site.site(), ports.api(), cluster, replica);
                add(new RelayApplicationProcess(
                        site.app(), relayApp, environment, SECONDARY_APP_HEAP, ports.api(), workDir, java));
            }
            secondaries.put(site.name(), new Secondary(site, replica, kafka, mirrorProperties, environment));
            // In start order: the primary, the replicas, the Kafka clusters, MirrorMaker 2, the applications.
            Map<String, StackComponent> all = new LinkedHashMap<>(components);
            components.clear();
            for (String name : sites.componentNames()) {
                StackComponent component = all.remove(name);
                if (component != null) {
                    components.put(name, component);
                }
            }
            components.putAll(all);
        }
    }

    /**
     * Starts the stack in its work directory and returns once every component is ready: the stack it holds if its
     * first start completed, else a new one in an empty or missing directory. Sites in {@link StackConfig#sites()}
     * that the stack does not have yet are added to it.
     *
     * @throws StackException if a stack already runs from that directory, a port is taken or differs from the one
     *                        the stack was made with, the directory holds an incomplete stack, the sites leave out one
     *                        of the stack's, a prerequisite is missing or a component does not become ready; whatever
     *                        had started is stopped again
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
        Optional<StackManifest> manifest = fresh ? Optional.empty() : resumable(workDir, config);
        SiteList sites = manifest.map(made -> sitesToRun(made, config, workDir))
                .orElseGet(() -> config.sites().orElse(SiteList.DEFAULT));
        config.ports().validate(sites);
        PortClaim.conflicts(config.ports().claims(sites, config.startApplications()))
                .ifPresent(conflicts -> {
                    throw new StackException(conflicts);
                });
        PostgresTools postgresTools = PostgresTools.locate(System.getenv());
        boolean resuming = manifest.isPresent();
        if (resuming) {
            workDir.create();
        } else {
            workDir.recreate();
        }
        LOG.info(
                resuming ? "Resuming the local stack in {} (sites {})" : "Starting a new local stack in {} (sites {})",
                workDir.root(),
                sites);

        LocalStack stack = new LocalStack(config, sites, postgresTools);
        List<SecondarySite> added =
                manifest.map(made -> sites.addedTo(made.sites())).orElse(List.of());
        if (resuming) {
            stack.requireInitialized(added);
            stack.discardIncomplete(added);
        }
        stack.resumed = resuming;
        stack.launcher.writeCurrent();
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll(added);
        } catch (RuntimeException e) {
            stack.stopQuietly();
            throw e instanceof StackException ? e : new StackException(Await.oneLine(e), e);
        }
        if (!resuming) {
            new StackManifest(Instant.now(), config.ports(), sites).writeTo(workDir.root());
        } else if (!added.isEmpty()) {
            manifest.get().withSites(sites).writeTo(workDir.root());
            LOG.info(
                    "Sites added to the stack: {}",
                    added.stream().map(SecondarySite::name).toList());
        }
        LOG.info(
                "Local stack up in {} ms",
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
        return stack;
    }

    private static void refuseIfRunning(WorkDirectory workDir) {
        new LauncherPidFile(workDir.launcherPidFile()).other().ifPresent(launcher -> {
            throw new StackException("a stack is already running from " + workDir.root() + " (launcher pid "
                    + launcher.pid() + "): stop it with 'bin/relay stop'");
        });
    }

    /**
     * The manifest of the stack the directory holds, to resume; empty if no component has data there and a new stack
     * is made.
     *
     * @throws StackException if it holds the remains of a first start that failed half-way, or the ports differ from
     *                        the stack's
     */
    private static Optional<StackManifest> resumable(WorkDirectory workDir, StackConfig config) {
        Optional<StackManifest> manifest = StackManifest.read(workDir.root());
        if (manifest.isEmpty()) {
            if (!workDir.holdsComponentData()) {
                return Optional.empty();
            }
            throw new StackException(workDir.root() + " holds an incomplete stack (its first start did not finish: no "
                    + StackManifest.FILE_NAME + "): run 'bin/relay reset --yes' to start afresh");
        }
        List<String> changes = manifest.get().portChanges(config.ports());
        if (!changes.isEmpty()) {
            throw new StackException("the stack in " + workDir.root() + " keeps its ports, but "
                    + String.join(", ", changes) + ": set them back, or run 'bin/relay reset --yes' to start afresh");
        }
        // Checked before the stack is built: building it makes a new password where there is none.
        if (!Files.isRegularFile(dbPasswordFile(workDir))) {
            throw new StackException("the stack in " + workDir.root() + " is damaged, missing "
                    + workDir.root().relativize(dbPasswordFile(workDir))
                    + ": run 'bin/relay reset --yes' to start afresh");
        }
        // A stack made before the WAN was encrypted has brokers without a WAN listener or MirrorMaker 2's credential:
        // resumed, its mirroring would stop without a word.
        Path wanSecrets = new WanCertificates(workDir).secretsFile();
        if (!Files.isRegularFile(wanSecrets)) {
            throw new StackException("the stack in " + workDir.root() + " was made before the WAN between its sites"
                    + " was encrypted (no " + workDir.root().relativize(wanSecrets) + "): run 'bin/relay reset --yes'"
                    + " to start afresh");
        }
        return manifest;
    }

    /**
     * The sites a resumed stack runs: its own, then those of {@code --sites} it does not have yet.
     *
     * @throws StackException if {@code --sites} leaves out one of the stack's sites: a site is never removed
     */
    private static SiteList sitesToRun(StackManifest manifest, StackConfig config, WorkDirectory workDir) {
        return config.sites()
                .map(requested -> sitesToRun(manifest.sites(), requested, workDir.root()))
                .orElse(manifest.sites());
    }

    /**
     * The sites a stack made with {@code made} runs when asked for {@code requested}: its own, then the new ones.
     *
     * @throws StackException if {@code requested} leaves out one of {@code made}, naming the fix
     */
    static SiteList sitesToRun(SiteList made, SiteList requested, Path workDir) {
        try {
            return made.extendedBy(requested);
        } catch (IllegalArgumentException e) {
            throw new StackException("the stack in " + workDir + " has the sites " + made + " and --sites " + requested
                    + " " + e.getMessage() + ": a site is not removed from a stack; run 'bin/relay up' for its sites,"
                    + " 'bin/relay up --sites " + made + ",<new site>' to add one, or 'bin/relay reset --yes' to start"
                    + " afresh");
        }
    }

    /**
     * A resumed stack needs every component's data: one missing is damage, not a reason to make an empty one. The
     * components of sites being added have none yet.
     */
    private void requireInitialized(List<SecondarySite> added) {
        Set<String> adding =
                added.stream().flatMap(site -> site.componentNames().stream()).collect(Collectors.toSet());
        List<String> missing = components().stream()
                .filter(component -> !adding.contains(component.name()) && !component.isInitialized())
                .map(component -> component.name() + "'s data")
                .toList();
        if (!missing.isEmpty()) {
            throw new StackException("the stack in " + workDir.root() + " is damaged, missing "
                    + String.join(", ", missing) + ": run 'bin/relay reset --yes' to start afresh");
        }
    }

    /**
     * Deletes what an earlier attempt to add these sites left (their data is not the stack's until that attempt
     * completed and wrote them into the manifest), so that this one makes them anew.
     */
    private void discardIncomplete(List<SecondarySite> added) {
        for (SecondarySite site : added) {
            for (String name : site.componentNames()) {
                StackComponent component = component(name);
                if (component.hasData()) {
                    LOG.warn("Deleting {}'s data, left by an earlier attempt to add site {}", name, site.name());
                    component.deleteData();
                }
            }
        }
    }

    private static Path dbPasswordFile(WorkDirectory workDir) {
        return workDir.secrets().resolve("db-password");
    }

    /** @param added the sites this start adds to a stack made with fewer; their replicas' slots may be left over */
    private void startAll(List<SecondarySite> added) {
        startTogether(List.of(PRIMARY));
        dropLeftoverSlots(added);
        startSites(sites.secondaries(), true);
    }

    /**
     * Starts the main site's Kafka cluster and application (if {@code withMain}) and these secondary sites, one kind
     * of component at a time; the primary runs.
     */
    private void startSites(List<SecondarySite> list, boolean withMain) {
        startTogether(names(list, SecondarySite::replica));
        // The clusters, and later the MirrorMaker instances, are independent: starting them together saves JVM
        // start-ups.
        List<String> clusters = new ArrayList<>(names(list, SecondarySite::kafka));
        if (withMain) {
            clusters.add(0, KAFKA_COLOGNE);
        }
        startTogether(clusters);
        // Before MirrorMaker 2 starts: it would see a later topic only at its next topic refresh.
        createTopics(list);
        startTogether(list.stream()
                .flatMap(site -> Stream.of(site.mirrorToMain(), site.mirrorFromMain()))
                .toList());
        if (!config.startApplications()) {
            return;
        }
        if (!withMain) {
            // The tokens are in the primary, hence in a replica made from it now.
            startTogether(names(list, SecondarySite::app));
            return;
        }
        // A secondary's application talks to the main site's at start-up.
        startTogether(List.of(COLOGNE_APP));
        // Tokens need only the main site; made while the secondaries' applications start, they cost no time.
        CompletableFuture<Void> tokens = CompletableFuture.runAsync(this::issueTokens, runnable -> {
            Thread thread = new Thread(runnable, "issue-tokens");
            thread.setDaemon(true);
            thread.start();
        });
        try {
            startTogether(names(list, SecondarySite::app));
        } catch (RuntimeException e) {
            // Reported rather than a token failure it may have caused; the tokens' command ends on its own.
            tokens.exceptionally(failure -> null).join();
            throw e;
        }
        joinRethrowing(tokens);
    }

    private static List<String> names(List<SecondarySite> sites, Function<SecondarySite, String> component) {
        return sites.stream().map(component).toList();
    }

    /**
     * A replica's base backup creates its slot at the primary: one left by an earlier attempt to add its site would
     * make that fail. Only an inactive slot is dropped (an active one has a replica streaming through it).
     */
    private void dropLeftoverSlots(List<SecondarySite> added) {
        for (SecondarySite site : added) {
            primary.dropInactiveSlot(secondaries.get(site.name()).replica().slotName());
        }
    }

    private static void joinRethrowing(CompletableFuture<Void> task) {
        try {
            task.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Starts the named components concurrently, at most {@link #PARALLEL_STARTS} at once, and returns when all are
     * ready.
     */
    private void startTogether(List<String> names) {
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
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(batch.size(), PARALLEL_STARTS), runnable -> {
            Thread thread = new Thread(runnable, "start-components");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<CompletableFuture<Void>> starts = batch.stream()
                    .map(component -> CompletableFuture.runAsync(component::start, pool))
                    .toList();
            for (CompletableFuture<Void> start : starts) {
                joinRethrowing(start);
            }
        } finally {
            // After a failure, those not begun yet are not begun at all; the caller stops what did start.
            pool.shutdownNow();
        }
    }

    /**
     * Tokens are made at the main site once its migrations have run, and reach the secondaries through their replicas:
     * waiting for the replicas here means every secondary accepts them from its first request. Tokens an earlier
     * start kept are the stack's own and already in every database: they are read, not issued again.
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
        for (SecondarySite site : sites.secondaries()) {
            secondaries.get(site.name()).replica().awaitCaughtUp(TOKEN_REPLICATION_TIMEOUT);
        }
        LOG.info(
                "API tokens issued and replicated in {} ms: {}, {}",
                Duration.ofNanos(System.nanoTime() - begin).toMillis(),
                serviceTokenFile(),
                adminTokenFile());
    }

    /**
     * {@code ops.commands} at each of these secondaries, and their {@code ops.outcomes.<site>} at cologne: before the
     * MirrorMaker 2 flows start, which would see a later topic only at their next refresh.
     */
    private void createTopics(List<SecondarySite> list) {
        // A single partition each: commands and outcomes are applied in order. A secondary's application makes
        // ops.commands' flush setting what its BUFFER_DURABILITY says when it starts (see CommandTopic).
        NewTopic commands =
                new NewTopic(RelayTopics.COMMANDS, 1, (short) 1).configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        // Outcomes are kept as long as commands: a secondary cut off from them for longer than a bounded retention
        // would otherwise never hear of what it buffered (it also reads its replica's ledger for overdue ones).
        List<NewTopic> outcomes = list.stream()
                .map(site -> new NewTopic(RelayTopics.outcomes(site.name()), 1, (short) 1)
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1")))
                .toList();
        // Retried: a broker that just answered may not have registered with its controller yet.
        Await.until(
                () -> {
                    for (SecondarySite site : list) {
                        secondaries.get(site.name()).kafka().cluster().createTopics(List.of(commands));
                    }
                    kafkaCologne.cluster().createTopics(outcomes);
                    return true;
                },
                TOPIC_CREATION_TIMEOUT,
                "topics " + RelayTopics.COMMANDS + " and " + RelayTopics.OUTCOMES + ".<site> were created");
    }

    /**
     * Adds the sites of {@code requested} that this running stack does not have yet, without stopping or restarting
     * any of its components: each new site gets its replica (base backup from the running primary, its own slot), its
     * Kafka cluster, its two MirrorMaker 2 flows and its application, and is written into the manifest once all run.
     * The applier at cologne subscribes to every {@code <site>.ops.commands} by pattern and sees the new site's topic
     * at its next metadata refresh.
     *
     * @return the sites added, none if {@code requested} has no new one
     * @throws StackException if {@code requested} leaves out one of this stack's sites, a new port is taken, or a new
     *                        component does not become ready: then the new sites' components are stopped again, the
     *                        others untouched, and the manifest keeps the sites it had
     */
    public List<SecondarySite> addSites(SiteList requested) {
        // Not this stack's monitor: stop() (Ctrl-C, the shutdown hook) must not wait for an addition to end.
        synchronized (addition) {
            return addSitesNow(requested);
        }
    }

    private List<SecondarySite> addSitesNow(SiteList requested) {
        if (stopped) {
            throw new StackException("the stack in " + workDir.root() + " has stopped");
        }
        SiteList extended = sitesToRun(sites, requested, workDir.root());
        List<SecondarySite> added = extended.addedTo(sites);
        if (added.isEmpty()) {
            return added;
        }
        config.ports().validate(extended);
        PortClaim.conflicts(config.ports().claims(added)).ifPresent(conflicts -> {
            throw new StackException(conflicts);
        });
        long begin = System.nanoTime();
        LOG.info(
                "Adding sites {} to the running stack in {}",
                added.stream().map(SecondarySite::name).toList(),
                workDir.root());
        SiteList before = sites;
        sites = extended;
        added.forEach(this::build);
        try {
            discardIncomplete(added);
            dropLeftoverSlots(added);
            startSites(added, false);
        } catch (RuntimeException e) {
            forget(added);
            sites = before;
            throw e instanceof StackException ? e : new StackException(Await.oneLine(e), e);
        }
        StackManifest.read(workDir.root())
                .ifPresent(manifest -> manifest.withSites(extended).writeTo(workDir.root()));
        LOG.info(
                "Sites {} added in {} ms",
                added.stream().map(SecondarySite::name).toList(),
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
        return added;
    }

    /** Stops the components of sites whose addition failed, in reverse order, and takes them out of the stack. */
    private void forget(List<SecondarySite> failed) {
        List<String> names = new ArrayList<>(
                failed.stream().flatMap(site -> site.componentNames().stream()).toList());
        Collections.reverse(names);
        for (String name : names) {
            StackComponent component = components.remove(name);
            if (component != null) {
                started.remove(component);
                try {
                    component.stop();
                } catch (RuntimeException e) {
                    LOG.warn("Stopping {} failed: {}", name, Await.oneLine(e));
                }
            }
        }
        failed.forEach(site -> secondaries.remove(site.name()));
    }

    private void add(StackComponent component) {
        components.put(component.name(), component);
    }

    /**
     * What the flow from cologne into {@code site} mirrors: the site's own outcome topic, {@code ops.outcomes.<site>}.
     * And {@code ops.outcomes}, which held every site's outcomes before there was a topic per site: a new stack has
     * none, a stack made before keeps its outcomes readable there until each site has read them.
     */
    static Pattern outcomesOf(SecondarySite site) {
        return Pattern.compile(literal(RelayTopics.OUTCOMES).pattern() + "|"
                + literal(RelayTopics.outcomes(site.name())).pattern());
    }

    /**
     * The MirrorMaker 2 settings of {@code site}'s two processes: cologne's cluster and the site's, its commands into
     * cologne and its own outcomes back, both clusters through their WAN listeners with the truststore and secrets in
     * {@code tlsDirectory}; also those of infra/docker/mm2*.properties (checked by DockerSettingsTest).
     */
    static MirrorMakerProperties mirrorMakerProperties(
            KafkaCluster cologne, KafkaCluster cluster, SecondarySite site, Path tlsDirectory) {
        return new MirrorMakerProperties(tlsDirectory)
                .cluster(cologne)
                .cluster(cluster)
                .flow(cluster, cologne, literal(RelayTopics.COMMANDS))
                .flow(cologne, cluster, outcomesOf(site));
    }

    /** A topic name as a MirrorMaker 2 topic pattern matching only that topic. */
    private static Pattern literal(String topic) {
        return Pattern.compile(topic.replace(".", "\\."));
    }

    /** The applications' whole configuration: each writes to the primary and reads its own site's database. */
    private Map<String, String> applicationEnvironment(
            Site site, int apiPort, KafkaCluster kafka, PostgresServer localDb) {
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
        if (!site.isMain()) {
            // Across the WAN: the primary's certificate is checked against the stack's CA, host name included.
            environment.put("MAIN_DB_SSLMODE", "verify-full");
            environment.put("MAIN_DB_SSLROOTCERT", certificates.caCertificate().toString());
        }
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
                LOG.info(
                        "{} stopped in {} ms",
                        component.name(),
                        Duration.ofNanos(System.nanoTime() - stopBegin).toMillis());
            } catch (RuntimeException e) {
                // Teardown goes on: the other components must not be left running because one failed to stop.
                LOG.warn("Stopping {} failed: {}", component.name(), Await.oneLine(e));
                failures.add(component.name());
            }
        }
        removeShutdownHook();
        launcher.deleteIfCurrent();
        LOG.info(
                "Local stack stopped in {} ms",
                Duration.ofNanos(System.nanoTime() - begin).toMillis());
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
            throw new IllegalArgumentException(
                    "no component '" + name + "' in this stack; known: " + components.keySet());
        }
        return component;
    }

    /** Every component, in start order. */
    public List<StackComponent> components() {
        synchronized (components) {
            return List.copyOf(components.values());
        }
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

    /** The first secondary's application (the observatory's in the default stack), {@code http://127.0.0.1:<port>}. */
    public URI observatoryApi() {
        return api(sites.first().name());
    }

    public String mainBootstrapServers() {
        return kafkaCologne.cluster().bootstrapServers();
    }

    /** The first secondary's Kafka cluster (the observatory's in the default stack). */
    public String observatoryBootstrapServers() {
        return bootstrapServers(sites.first().name());
    }

    public String primaryJdbcUrl() {
        return primary.jdbcUrl();
    }

    /** The first secondary's replica (the observatory's in the default stack). */
    public String replicaJdbcUrl() {
        return replicaJdbcUrl(sites.first().name());
    }

    /** The secondary sites this stack runs, in order. */
    public SiteList sites() {
        return sites;
    }

    /**
     * A secondary site's application, {@code http://127.0.0.1:<its api port>}.
     *
     * @throws IllegalArgumentException if the stack has no such site
     */
    public URI api(String site) {
        return URI.create("http://127.0.0.1:"
                + config.ports().secondary(secondary(site).site()).api());
    }

    /** A secondary site's Kafka cluster, {@code 127.0.0.1:<port>}. */
    public String bootstrapServers(String site) {
        return secondary(site).kafka().cluster().bootstrapServers();
    }

    /** The WAN listener (SASL_SSL) of cologne's cluster, {@code 127.0.0.1:<port>}. */
    public String mainWanBootstrapServers() {
        return kafkaCologne.cluster().wanBootstrapServers();
    }

    /** The WAN listener (SASL_SSL) of a secondary site's Kafka cluster, {@code 127.0.0.1:<port>}. */
    public String wanBootstrapServers(String site) {
        return secondary(site).kafka().cluster().wanBootstrapServers();
    }

    /** The stack's CA, certificates and WAN secrets ({@code <workdir>/secrets/tls}). */
    public WanCertificates wanCertificates() {
        return certificates;
    }

    /** The {@code mm2.properties} of a secondary site's two MirrorMaker 2 processes. */
    public Path mirrorMakerPropertiesFile(String site) {
        return secondary(site).mirrorProperties();
    }

    /**
     * The environment a secondary site's application runs with: its whole configuration, secrets included (for tests
     * that check what the application connects with).
     *
     * @throws IllegalStateException if this stack runs no applications
     */
    public Map<String, String> applicationEnvironment(String site) {
        if (!config.startApplications()) {
            throw new IllegalStateException("this stack runs no applications");
        }
        return secondary(site).environment();
    }

    /** A secondary site's replica. */
    public String replicaJdbcUrl(String site) {
        return secondary(site).replica().jdbcUrl();
    }

    private Secondary secondary(String site) {
        Secondary secondary = secondaries.get(site);
        if (secondary == null) {
            throw new IllegalArgumentException("no site '" + site + "' in this stack; its sites: " + sites);
        }
        return secondary;
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
            throw new IllegalStateException(
                    config.startApplications()
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
