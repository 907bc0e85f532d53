package io.opsdb.relay.infra;

import io.opsdb.relay.infra.bench.AckDurabilityBenchmark;
import io.opsdb.relay.infra.bench.RelayBenchmark;
import io.opsdb.relay.infra.demo.DemoCommand;
import io.opsdb.relay.infra.ops.OperatorCommands;
import io.opsdb.relay.infra.postgres.PostgresServer;
import io.opsdb.relay.infra.process.Await;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The {@code bin/relay} command line:
 * <pre>
 * relay up [--sites a,b,c]                  start the stack, or resume the one in .relay/, and run it until Ctrl-C;
 *                                           with --sites, one secondary per name (default: observatory); sites the
 *                                           stack does not have yet are added, to a running stack too
 * relay stop                                stop the stack running from .relay/ (from any terminal)
 * relay status                              each component of every site: its pid, its port, whether it answers
 * relay reset --yes                         delete .relay/: databases, Kafka logs, buffered writes, tokens
 * relay demo [--sites a,b,c] [--writes N] [--clients C]
 *                                           start a new stack in .relay-demo/, run the demo workload at every
 *                                           secondary at once, stop
 * relay bench [--seconds S] [--rate R] ...  a fresh stack in .relay-bench/ next to raw Kafka and PostgreSQL; writes docs/performance.md
 * relay bench-ack [--writes N]              what BUFFER_DURABILITY costs, on one broker alone
 * </pre>
 * Ports come from the environment ({@code MAIN_API_PORT}, {@code MAIN_KAFKA_PORT}, ...; see {@link StackPorts}).
 * An error is reported in one line on stderr with exit code 1; {@code status} exits with 3 unless everything runs.
 */
public final class RelayCli {

    private static final String USAGE =
            "usage: relay up [--sites a,b,c] | relay stop | relay status | relay reset --yes"
                    + " | relay demo [--sites a,b,c] [--writes N] [--clients C] | " + RelayBenchmark.Options.USAGE
                    + " | relay bench-ack [--writes N]"
                    + " | relay tx list|show|retry|discard ... | relay buffer | relay topic tail TOPIC (each with --help)";
    /** The exit code of {@code status} when not everything runs (as an LSB init script's status: "not running"). */
    static final int NOT_RUNNING = 3;
    /** How long {@code stop} waits for the launcher to stop every component in order. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);
    /**
     * How long {@code up --sites} waits for a running launcher to add sites: each kind of component starts in turn,
     * an application may take minutes on a busy machine.
     */
    private static final Duration ADD_SITES_TIMEOUT = Duration.ofMinutes(20);
    /** The demo's own work directory beside .relay/: each demo starts afresh there and leaves .relay/ alone. */
    private static final String DEMO_WORK_DIR = ".relay-demo";

    private static final String SITES_OPTION = "--sites";

    private RelayCli() {}

    public static void main(String[] args) {
        System.exit(run(args, StackConfig::fromEnvironment, System.out, System.err));
    }

    /**
     * @param config the stack's configuration, asked for only by the commands that need it (a bad port in the
     *               environment is then reported as that command's error)
     */
    static int run(String[] args, Supplier<StackConfig> config, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                err.println(USAGE);
                return 1;
            }
            if (OperatorCommands.COMMANDS.contains(args[0])) {
                return OperatorCommands.run(args, config, System.getenv(), out, err);
            }
            return switch (args[0]) {
                case "up" -> up(sites(args), config.get(), out);
                case "stop" -> stop(options(args), config.get(), out);
                case "status" -> status(options(args), config.get(), out);
                case "reset" -> reset(options(args, "--yes"), config.get(), out, err);
                case "demo" -> demo(args, config.get(), out);
                case "bench" -> RelayBenchmark.run(config.get(), RelayBenchmark.Options.parse(args, 1), out);
                case "bench-ack" ->
                    AckDurabilityBenchmark.run(
                            config.get(),
                            args.length == 3 && args[1].equals("--writes") ? positive("--writes", args[2]) : 3000,
                            out);
                case "help", "-h", "--help" -> {
                    out.println(USAGE);
                    yield 0;
                }
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'; " + USAGE);
            };
        } catch (StackException | IllegalArgumentException e) {
            err.println("relay: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("relay: " + Await.oneLine(e));
            return 1;
        }
    }

    /** The flags after the command, each one of {@code allowed}. */
    private static Set<String> options(String[] args, String... allowed) {
        Set<String> options = new LinkedHashSet<>();
        for (int i = 1; i < args.length; i++) {
            if (!Arrays.asList(allowed).contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + " for '" + args[0] + "'; " + USAGE);
            }
            options.add(args[i]);
        }
        return options;
    }

    /** The only option of {@code up}: {@code --sites a,b,c}, if given. */
    private static Optional<SiteList> sites(String[] args) {
        if (args.length == 1) {
            return Optional.empty();
        }
        if (!args[1].equals(SITES_OPTION)) {
            throw new IllegalArgumentException("unknown option " + args[1] + " for '" + args[0] + "'; " + USAGE);
        }
        if (args.length != 3) {
            throw new IllegalArgumentException(
                    args.length == 2
                            ? "option --sites needs a value; " + USAGE
                            : "unknown option " + args[3] + " for '" + args[0] + "'; " + USAGE);
        }
        return Optional.of(SiteList.parse(args[2]));
    }

    private static int up(Optional<SiteList> sites, StackConfig config, PrintStream out) {
        StackConfig asked = sites.map(config::withSites).orElse(config);
        Optional<ProcessHandle> running = new StackProcesses(asked).launcher();
        if (running.isPresent() && sites.isPresent()) {
            return addToRunning(asked, sites.get(), running.get(), out);
        }
        LocalStack stack = LocalStack.start(asked);
        printSummary(stack, out);
        out.println(
                "Press Ctrl-C, or run 'bin/relay stop' in another terminal, to stop it; 'bin/relay up' resumes it.");
        // The stack's shutdown hook stops it on Ctrl-C and on the SIGTERM of 'relay stop'; meanwhile, sites asked for
        // from other terminals are added.
        try {
            new SiteAdditions(new WorkDirectory(asked.workDir()))
                    .serve(
                            requested -> {
                                List<SecondarySite> added = stack.addSites(requested);
                                return added.isEmpty()
                                        ? "the stack already runs the sites " + stack.sites()
                                        : "added "
                                                + String.join(
                                                        ", ",
                                                        added.stream()
                                                                .map(SecondarySite::name)
                                                                .toList()) + " to the running stack; its sites are now "
                                                + stack.sites();
                            },
                            answer -> out.println("relay: " + answer));
        } catch (RuntimeException e) {
            // Not a reason to stop the stack: it runs on, only sites cannot be added to it while it does.
            out.println("relay: sites cannot be added while this stack runs: " + Await.oneLine(e));
        }
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code up --sites} while the stack runs: its launcher adds the new sites, the others go on as they are. */
    private static int addToRunning(StackConfig config, SiteList requested, ProcessHandle launcher, PrintStream out) {
        StackManifest manifest = StackManifest.read(config.workDir())
                .orElseThrow(() -> new StackException("the stack in " + config.workDir()
                        + " is still starting (launcher pid " + launcher.pid() + "): run this again once it runs"));
        SiteList extended = LocalStack.sitesToRun(manifest.sites(), requested, config.workDir());
        List<SecondarySite> added = extended.addedTo(manifest.sites());
        if (added.isEmpty()) {
            throw new StackException("a stack is already running from " + config.workDir() + " (launcher pid "
                    + launcher.pid() + ") with the sites " + manifest.sites() + ": stop it with 'bin/relay stop'");
        }
        out.println("relay: asking the running stack (launcher pid " + launcher.pid() + ") to add "
                + String.join(", ", added.stream().map(SecondarySite::name).toList())
                + "; the other sites go on running");
        SiteAdditions.Answer answer =
                new SiteAdditions(new WorkDirectory(config.workDir())).request(requested, launcher, ADD_SITES_TIMEOUT);
        if (!answer.added()) {
            throw new StackException(
                    answer.message() + "; see " + config.workDir().resolve("logs"));
        }
        out.println("relay: " + answer.message());
        printPorts(manifest.ports(), extended, config.startApplications(), out);
        return 0;
    }

    private static int stop(Set<String> options, StackConfig config, PrintStream out) {
        StackProcesses.StopReport report = new StackProcesses(config).stop(STOP_TIMEOUT);
        if (report.nothingRan()) {
            out.println("relay: no stack is running from " + config.workDir());
            return 0;
        }
        report.launcherPid()
                .ifPresent(pid ->
                        out.println("relay: stopped the stack in " + config.workDir() + " (launcher pid " + pid + ")"));
        if (!report.leftovers().isEmpty()) {
            out.println("relay: stopped " + String.join(", ", report.leftovers())
                    + ", left running without a launcher (it had crashed or was killed)");
        }
        return 0;
    }

    private static int status(Set<String> options, StackConfig config, PrintStream out) {
        StackProcesses processes = new StackProcesses(config);
        List<StackProcesses.ComponentStatus> lines = processes.status();
        out.println("stack in " + config.workDir() + ", sites " + Site.COLOGNE.siteName() + " (main), "
                + String.join(", ", processes.sites().names())
                + (StackManifest.read(config.workDir()).isPresent()
                        ? ""
                        : " (not created yet, or its first start did not complete)"));
        out.println(StackProcesses.ComponentStatus.HEADING);
        lines.forEach(line -> out.println(line.line()));
        boolean allUp = lines.stream()
                .allMatch(line ->
                        line.state() == StackProcesses.State.ANSWERS || line.state() == StackProcesses.State.RUNNING);
        return allUp ? 0 : NOT_RUNNING;
    }

    private static int reset(Set<String> options, StackConfig config, PrintStream out, PrintStream err) {
        if (!options.contains("--yes")) {
            err.println("relay: reset deletes " + config.workDir() + " for good: its databases, Kafka logs, buffered"
                    + " writes not yet applied, and API tokens; to do so, run 'bin/relay reset --yes'");
            return 1;
        }
        LocalStack.reset(config);
        out.println("relay: deleted " + config.workDir() + "; 'bin/relay up' starts a new stack");
        return 0;
    }

    private static int demo(String[] args, StackConfig deployment, PrintStream out) {
        int writes = 1000;
        int clients = 4;
        Optional<SiteList> sites = Optional.empty();
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value; " + USAGE);
            }
            String value = args[++i];
            switch (option) {
                case "--writes" -> writes = positive(option, value);
                case "--clients" -> clients = positive(option, value);
                case SITES_OPTION -> sites = Optional.of(SiteList.parse(value));
                default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
            }
        }
        new StackProcesses(deployment).launcher().ifPresent(launcher -> {
            throw new StackException(
                    "the stack in " + deployment.workDir() + " is running on the demo's ports (launcher pid "
                            + launcher.pid() + "): stop it first with 'bin/relay stop'");
        });
        // A new stack of its own each time: the demo's figures count only its own writes, and a deployment's data in
        // .relay/ is neither touched nor counted.
        StackConfig demo = deployment.withWorkDir(deployment.relayHome().resolve(DEMO_WORK_DIR));
        LocalStack stack = LocalStack.startFresh(sites.map(demo::withSites).orElse(demo));
        try {
            printSummary(stack, out);
            // Without --sites the one line of the single-site demo; with it, a line per site and their total.
            return sites.isPresent()
                    ? DemoCommand.runAtEverySite(stack, writes, clients, out)
                    : DemoCommand.run(stack, writes, clients, out);
        } finally {
            stack.stop();
        }
    }

    private static int positive(String option, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive number, not '" + value + "'");
    }

    private static void printSummary(LocalStack stack, PrintStream out) {
        printPorts(stack.config().ports(), stack.sites(), stack.config().startApplications(), out);
        if (stack.config().startApplications()) {
            out.printf(
                    "API tokens:                  service (read, write) in %s, admin in %s%n",
                    stack.serviceTokenFile(), stack.adminTokenFile());
        }
        out.printf(
                "database user:               %s (password in %s), database %s%n",
                stack.dbUser(), stack.workDir().resolve("secrets/db-password"), PostgresServer.DATABASE);
        out.printf(
                "work directory:              %s (%s)%n",
                stack.workDir(),
                stack.resumed() ? "resumed: its data, offsets and tokens as they were" : "a new stack");
        out.printf("logs:                        %s%n", stack.logDir());
    }

    /**
     * One line per site with its ports, everything on 127.0.0.1: the main site's, then each secondary's, which follow
     * the first one's {@value StackPorts#SITE_STEP} apart.
     */
    static void printPorts(StackPorts ports, SiteList sites, boolean withApplications, PrintStream out) {
        String format = "%-14s %-10s %-30s %-20s %s%n";
        out.printf(format, "site", "type", "API", "Kafka (controller)", "PostgreSQL");
        out.printf(
                format,
                Site.COLOGNE.siteName(),
                Site.COLOGNE.siteType(),
                api(ports.mainApi(), withApplications),
                ports.mainKafka() + " (" + ports.mainKafkaController() + ")",
                ports.primaryDb() + " (" + SecondarySite.PRIMARY + ")");
        for (SecondarySite site : sites.secondaries()) {
            StackPorts.SecondaryPorts secondary = ports.secondary(site);
            out.printf(
                    format,
                    site.name(),
                    site.site().siteType(),
                    api(secondary.api(), withApplications),
                    secondary.kafka() + " (" + secondary.kafkaController() + ")",
                    secondary.replicaDb() + " (" + site.replica() + ")");
        }
    }

    private static String api(int port, boolean withApplications) {
        return withApplications ? "http://127.0.0.1:" + port : "-";
    }
}
