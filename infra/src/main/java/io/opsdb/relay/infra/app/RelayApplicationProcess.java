package io.opsdb.relay.infra.app;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.JvmProcessComponent;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One of the relay's Spring Boot applications, run from its executable jar and configured only through
 * environment variables. Ready once {@code GET /health} answers 200.
 */
public final class RelayApplicationProcess extends JvmProcessComponent {

    // Spring's context alone took 51 s, and the whole start 115 s, while other stacks shared the machine's 2 cores.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    /**
     * glibc's malloc keeps an arena per thread that allocates, up to 8 per core, and returns little of them: RocksDB's
     * and Kafka's native allocations from a dozen threads then hold tens of MiB each. Two arenas cost nothing here.
     * Also the application image's environment (checked by DockerSettingsTest).
     */
    public static final Map<String, String> NATIVE_MEMORY = Map.of("MALLOC_ARENA_MAX", "2");

    private final Path jar;
    private final String maxHeap;
    private final Map<String, String> environment;
    private final URI baseUri;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build();

    /**
     * @param jar         the executable jar
     * @param environment the application's whole configuration
     * @param maxHeap     the JVM's {@code -Xmx}
     * @param port        the HTTP port, also passed as {@code SERVER_PORT}
     */
    public RelayApplicationProcess(
            String name,
            Path jar,
            Map<String, String> environment,
            String maxHeap,
            int port,
            WorkDirectory workDir,
            JavaCommand java) {
        super(name, START_TIMEOUT, workDir, java);
        this.jar = jar;
        this.maxHeap = maxHeap;
        Map<String, String> all = new HashMap<>(NATIVE_MEMORY);
        all.putAll(environment);
        this.environment = Map.copyOf(all);
        this.baseUri = URI.create("http://127.0.0.1:" + port);
    }

    /** The application's HTTP base URI. */
    public URI baseUri() {
        return baseUri;
    }

    @Override
    protected void beforeStart() {
        if (!Files.isRegularFile(jar)) {
            throw new StackException(
                    name() + " jar not found at " + jar + ": build it with ./mvnw -DskipTests install");
        }
    }

    @Override
    protected List<String> command() {
        return java.jar(maxHeap, jar);
    }

    @Override
    protected Map<String, String> environment() {
        return environment;
    }

    @Override
    protected boolean isReady() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve("/health"))
                .timeout(HEALTH_TIMEOUT)
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }

    @Override
    protected String readiness() {
        return name() + " answered 200 on " + baseUri.resolve("/health");
    }
}
