package io.opsdb.relay.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One more relay-app process, started by a test with an environment of its own. */
public final class RelayAppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final int port;

    private RelayAppProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts relay-app's executable jar with {@code environment} alone (and PATH), its output to {@code log}. */
    public static RelayAppProcess start(Map<String, String> environment, Path log) throws IOException {
        Path home = Path.of(System.getProperty("relay.home", "."));
        Path jar = home.resolve("relay-app/target/relay-app-exec.jar");
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-XX:+UseSerialGC", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().putAll(environment);
        Files.createDirectories(log.getParent());
        return new RelayAppProcess(builder.start(), log, port);
    }

    public Process process() {
        return process;
    }

    /** The HTTP port it was given: a free one. */
    public int port() {
        return port;
    }

    /** What it has written so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
