package io.opsdb.relay.systemtest.flow;

import io.opsdb.relay.infra.LocalStack;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command-line tool run as an operator runs it, on the project's classpath, to its end. */
final class ToolProcess {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** What a tool printed, and how it ended. */
    record Result(int exit, List<String> out, String err) {}

    private ToolProcess() {}

    /** {@code java -cp <infra's runtime classpath> mainClass args}, as the README's recipes run it. */
    static Result java(LocalStack stack, Map<String, String> environment, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath(stack),
                mainClass));
        command.addAll(args);
        return run(command, environment);
    }

    /**
     * The launcher's classpath, as the README's recipes give it: infra's classes (its quiet logging configuration
     * among them) and its runtime classpath as the build writes it (the relay's schemas, Kafka's tools, picocli).
     */
    static String classpath(LocalStack stack) throws IOException {
        Path infra = stack.config().relayHome().resolve("infra/target");
        return infra.resolve("classes")
                + File.pathSeparator
                + Files.readString(infra.resolve("runtime-classpath.txt")).trim();
    }

    static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + TIMEOUT + ": " + String.join(" ", command));
            }
            return new Result(process.exitValue(), Files.readAllLines(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
