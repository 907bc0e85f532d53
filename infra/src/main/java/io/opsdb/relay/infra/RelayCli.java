package io.opsdb.relay.infra;

import io.opsdb.relay.infra.bench.RelayBenchmark;
import io.opsdb.relay.infra.demo.DemoCommand;
import io.opsdb.relay.infra.process.Await;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * The {@code bin/relay} command line:
 * <pre>
 * relay up                                  start the stack, or resume the one in .relay/, and run it until Ctrl-C
 * relay stop                                stop the stack running from .relay/ (from any terminal)
 * relay status                              each component: its pid, its port, whether it answers
 * relay reset --yes                         delete .relay/: databases, Kafka logs, buffered writes, tokens
 * relay demo [--writes N] [--clients C]     start a new stack in .relay-demo/, run the demo workload, stop
 * relay bench [--seconds S] [--rate R] ...  a fresh stack in .relay-bench/ next to raw Kafka and PostgreSQL; writes docs/performance.md
 * relay bench-ack [--writes N]              what BUFFER_DURABILITY costs, on one broker alone
 * </pre>
 * Ports come from the environment ({@code MAIN_API_PORT}, {@code MAIN_KAFKA_PORT}, ...; see {@link StackPorts}).
 * An error is reported in one line on stderr with exit code 1; {@code status} exits with 3 unless everything runs.
 */
public final class RelayCli {

    private static final String USAGE = "usage: relay up | relay stop | relay status | relay reset --yes"
            + " | relay demo [--writes N] [--clients C] | " + RelayBenchmark.Options.USAGE + " | relay bench-ack [--writes N]";
    /** The exit code of {@code status} when not everything runs (as an LSB init script's status: "not running"). */
    static final int NOT_RUNNING = 3;
    /** How long {@code stop} waits for the launcher to stop every component in order. */
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);
    /** The demo's own work directory beside .relay/: each demo starts afresh there and leaves .relay/ alone. */
    private static final String DEMO_WORK_DIR = ".relay-demo";

    private RelayCli() {
    }

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
            return switch (args[0]) {
                case "up" -> up(options(args), config.get(), out);
                case "stop" -> stop(options(args), config.get(), out);
                case "status" -> status(options(args), config.get(), out);
                case "reset" -> reset(options(args, "--yes"), config.get(), out, err);
                case "demo" -> demo(args, config.get(), out);
                case "bench" -> RelayBenchmark.run(config.get(), RelayBenchmark.Options.parse(args, 1), out);
                case "bench-ack" -> io.opsdb.relay.infra.bench.AckDurabilityBenchmark.run(config.get(),
                        args.length == 3 && args[1].equals("--writes") ? positive("--writes", args[2]) : 3000, out);
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

    private static int up(Set<String> options, StackConfig config, PrintStream out) {
        LocalStack stack = LocalStack.start(config);
        printSummary(stack, out);
        out.println("Press Ctrl-C, or run 'bin/relay stop' in another terminal, to stop it; 'bin/relay up' resumes it.");
        // The stack's shutdown hook stops it on Ctrl-C and on the SIGTERM of 'relay stop'.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int stop(Set<String> options, StackConfig config, PrintStream out) {
        StackProcesses.StopReport report = new StackProcesses(config).stop(STOP_TIMEOUT);
        if (report.nothingRan()) {
            out.println("relay: no stack is running from " + config.workDir());
            return 0;
        }
        report.launcherPid().ifPresent(pid -> out.println("relay: stopped the stack in " + config.workDir()
                + " (launcher pid " + pid + ")"));
        if (!report.leftovers().isEmpty()) {
            out.println("relay: stopped " + String.join(", ", report.leftovers())
                    + ", left running without a launcher (it had crashed or was killed)");
        }
        return 0;
    }

    private static int status(Set<String> options, StackConfig config, PrintStream out) {
        List<StackProcesses.ComponentStatus> lines = new StackProcesses(config).status();
        out.println("stack in " + config.workDir() + (StackManifest.read(config.workDir()).isPresent() ? ""
                : " (not created yet, or its first start did not complete)"));
        out.println(StackProcesses.ComponentStatus.HEADING);
        lines.forEach(line -> out.println(line.line()));
        boolean allUp = lines.stream().allMatch(line -> line.state() == StackProcesses.State.ANSWERS
                || line.state() == StackProcesses.State.RUNNING);
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
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value; " + USAGE);
            }
            int value = positive(option, args[++i]);
            switch (option) {
                case "--writes" -> writes = value;
                case "--clients" -> clients = value;
                default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
            }
        }
        new StackProcesses(deployment).launcher().ifPresent(launcher -> {
            throw new StackException("the stack in " + deployment.workDir() + " is running on the demo's ports (launcher pid "
                    + launcher.pid() + "): stop it first with 'bin/relay stop'");
        });
        // A new stack of its own each time: the demo's figures count only its own writes, and a deployment's data in
        // .relay/ is neither touched nor counted.
        LocalStack stack = LocalStack.startFresh(deployment.withWorkDir(deployment.relayHome().resolve(DEMO_WORK_DIR)));
        try {
            printSummary(stack, out);
            return DemoCommand.run(stack, writes, clients);
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
        StackPorts ports = stack.config().ports();
        if (stack.config().startApplications()) {
            out.printf("main API (cologne):          %s%n", stack.mainApi());
            out.printf("observatory API:             %s%n", stack.observatoryApi());
            out.printf("API tokens:                  service (read, write) in %s, admin in %s%n",
                    stack.serviceTokenFile(), stack.adminTokenFile());
        }
        out.printf("Kafka cologne:               %s%n", stack.mainBootstrapServers());
        out.printf("Kafka observatory:           %s%n", stack.observatoryBootstrapServers());
        out.printf("PostgreSQL primary:          %s (port %d)%n", stack.primaryJdbcUrl(), ports.primaryDb());
        out.printf("PostgreSQL replica:          %s (port %d)%n", stack.replicaJdbcUrl(), ports.replicaDb());
        out.printf("database user:               %s (password in %s)%n", stack.dbUser(),
                stack.workDir().resolve("secrets/db-password"));
        out.printf("work directory:              %s (%s)%n", stack.workDir(),
                stack.resumed() ? "resumed: its data, offsets and tokens as they were" : "a new stack");
        out.printf("logs:                        %s%n", stack.logDir());
    }
}
