package io.opsdb.relay.infra;

import io.opsdb.relay.infra.bench.RelayBenchmark;
import io.opsdb.relay.infra.demo.DemoCommand;
import io.opsdb.relay.infra.process.Await;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code bin/relay} command line:
 * <pre>
 * relay up                                  start the stack and run it until Ctrl-C
 * relay demo [--writes N] [--clients C]     start the stack, run the demo workload, stop
 * relay bench [--seconds S] [--rate R] ...  the whole system next to raw Kafka and PostgreSQL; writes docs/performance.md
 * relay bench-ack [--writes N]              what BUFFER_DURABILITY costs, on one broker alone
 * </pre>
 * Ports come from the environment ({@code MAIN_API_PORT}, {@code MAIN_KAFKA_PORT}, ...; see {@link StackPorts}).
 * An error is reported in one line on stderr with exit code 1.
 */
public final class RelayCli {

    private static final String USAGE = "usage: relay up | relay demo [--writes N] [--clients C] | " + RelayBenchmark.Options.USAGE + " | relay bench-ack [--writes N]";

    private RelayCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length == 0) {
                err.println(USAGE);
                return 1;
            }
            return switch (args[0]) {
                case "up" -> up(out);
                case "demo" -> demo(args, out);
                case "bench" -> RelayBenchmark.run(StackConfig.fromEnvironment(),
                        RelayBenchmark.Options.parse(args, 1), out);
                case "bench-ack" -> io.opsdb.relay.infra.bench.AckDurabilityBenchmark.run(StackConfig.fromEnvironment(),
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

    private static int up(PrintStream out) {
        LocalStack stack = LocalStack.start(StackConfig.fromEnvironment());
        printSummary(stack, out);
        out.println("Press Ctrl-C to stop.");
        // The stack's shutdown hook stops it on Ctrl-C.
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int demo(String[] args, PrintStream out) {
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
        LocalStack stack = LocalStack.start(StackConfig.fromEnvironment());
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
        out.printf("work directory:              %s%n", stack.workDir());
        out.printf("logs:                        %s%n", stack.logDir());
    }
}
