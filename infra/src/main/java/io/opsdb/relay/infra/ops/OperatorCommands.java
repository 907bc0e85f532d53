package io.opsdb.relay.infra.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.infra.StackConfig;
import io.opsdb.relay.kafka.RelayMessageFormatter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's commands of {@code bin/relay}, against any site with a token, or the local stack by default:
 * {@code tx list|show|retry|discard}, {@code buffer}, and {@code topic tail}. They speak the site's HTTP API (and, for
 * topics, its Kafka cluster) as any client does; nothing here reaches into a site.
 */
public final class OperatorCommands {

    /** The commands this class answers, as the first argument of {@code bin/relay}. */
    public static final Set<String> COMMANDS = Set.of("tx", "buffer", "topic");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(30);

    private OperatorCommands() {}

    /** Runs {@code args} ({@code tx ...}, {@code buffer ...} or {@code topic ...}); the exit code. */
    public static int run(
            String[] args,
            Supplier<StackConfig> config,
            Map<String, String> environment,
            PrintStream out,
            PrintStream err) {
        Context context = new Context(config, environment, out);
        CommandLine commands = new CommandLine(new Root())
                .addSubcommand(new CommandLine(new Tx(context)))
                .addSubcommand(new CommandLine(new Buffer(context)))
                .addSubcommand(new CommandLine(new Topic(context)));
        commands.setOut(new PrintWriter(out, true));
        commands.setErr(new PrintWriter(err, true));
        commands.setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            commandLine.getErr().println("relay: " + exception.getMessage());
            return 1;
        });
        return commands.execute(args);
    }

    @Command(name = "relay", description = "Operator commands against a site of ops-db-relay.")
    static final class Root {}

    record Context(Supplier<StackConfig> config, Map<String, String> environment, PrintStream out) {

        SiteApi api(SiteTarget target) {
            target.configuredBy(config, environment);
            return new SiteApi(target.api(), target.token());
        }
    }

    @Command(
            name = "tx",
            description = "The transactions of a site: list them by state, show one, retry or discard a FAILED one.",
            mixinStandardHelpOptions = true)
    static final class Tx {

        private final Context context;

        Tx(Context context) {
            this.context = context;
        }

        @Command(name = "list", description = "One line per transaction in a state: id, state, attempt, site, error.")
        int list(
                @Option(
                                names = "--state",
                                defaultValue = "FAILED",
                                description = "the state (default: ${DEFAULT-VALUE})")
                        String state,
                @Option(
                                names = "--limit",
                                defaultValue = "100",
                                description = "at most this many (default: ${DEFAULT-VALUE})")
                        int limit,
                @Mixin SiteTarget target)
                throws IOException, InterruptedException {
            SiteApi api = context.api(target);
            PrintStream out = context.out();
            out.printf("%-36s  %-10s  %7s  %-12s  %s%n", "TRANSACTION", "STATE", "ATTEMPT", "SITE", "ERROR");
            int listed = 0;
            String cursor = null;
            do {
                int page = Math.min(limit - listed, 500);
                JsonNode answer = api.get("/api/transactions?state=" + encode(state) + "&limit=" + page
                        + (cursor == null ? "" : "&cursor=" + encode(cursor)));
                for (JsonNode transaction : answer.get("transactions")) {
                    out.printf(
                            "%-36s  %-10s  %7s  %-12s  %s%n",
                            transaction.path("transaction_id").asText(),
                            transaction.path("state").asText(),
                            transaction.path("attempt").asText(),
                            transaction.path("site").asText(),
                            transaction.path("error").isNull()
                                    ? ""
                                    : oneLine(transaction.path("error").asText()));
                    listed++;
                }
                cursor = answer.path("next_cursor").isTextual()
                        ? answer.get("next_cursor").asText()
                        : null;
            } while (cursor != null && listed < limit);
            return 0;
        }

        @Command(name = "show", description = "A transaction's whole status, as JSON.")
        int show(@Parameters(paramLabel = "ID") UUID id, @Mixin SiteTarget target)
                throws IOException, InterruptedException {
            context.out()
                    .println(JSON.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(context.api(target).get("/api/transactions/" + id)));
            return 0;
        }

        @Command(name = "retry", description = "Apply a FAILED transaction again (admin or service token).")
        int retry(@Parameters(paramLabel = "ID") UUID id, @Mixin SiteTarget target)
                throws IOException, InterruptedException {
            return settle(id, "retry", target);
        }

        @Command(name = "discard", description = "Give up a FAILED transaction for good (admin or service token).")
        int discard(@Parameters(paramLabel = "ID") UUID id, @Mixin SiteTarget target)
                throws IOException, InterruptedException {
            return settle(id, "discard", target);
        }

        private int settle(UUID id, String action, SiteTarget target) throws IOException, InterruptedException {
            JsonNode now = context.api(target).post("/api/transactions/" + id + "/" + action);
            context.out()
                    .println("relay: " + action + " " + id + ": now "
                            + now.path("state").asText() + ", attempt "
                            + now.path("attempt").asText());
            return 0;
        }
    }

    @Command(
            name = "buffer",
            description = "A site's buffer figures: in flight, oldest in-flight age, failed, discarded, replica lag.",
            mixinStandardHelpOptions = true)
    static final class Buffer implements Callable<Integer> {

        private final Context context;

        @Mixin
        SiteTarget target = new SiteTarget();

        Buffer(Context context) {
            this.context = context;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            JsonNode figures = context.api(target).get("/api/buffer");
            figures.properties()
                    .forEach(figure -> context.out()
                            .printf(
                                    "%-30s %s%n",
                                    figure.getKey(), figure.getValue().asText()));
            return 0;
        }
    }

    @Command(name = "topic", description = "Relay topics, decoded.", mixinStandardHelpOptions = true)
    static final class Topic {

        private final Context context;

        Topic(Context context) {
            this.context = context;
        }

        @Command(
                name = "tail",
                description = "Prints a topic's records as JSON, one per line (place, key, headers, decoded value),"
                        + " and follows it until Ctrl-C.")
        int tail(
                @Parameters(paramLabel = "TOPIC", description = "e.g. ops.commands, ops.outcomes, or a mirror of them")
                        String topic,
                @Option(names = "--from-beginning", description = "from the oldest record kept, not only new ones")
                        boolean fromBeginning,
                @Option(
                                names = "--bootstrap-server",
                                paramLabel = "HOST:PORT",
                                description = "any site's Kafka cluster (default: the local stack site's)")
                        String bootstrapServers,
                @Option(names = "--max-records", paramLabel = "N", description = "stop after N records")
                        Long maxRecords,
                @Option(
                                names = "--idle-timeout",
                                paramLabel = "SECONDS",
                                description = "stop when nothing came for this long")
                        Long idleSeconds,
                @Mixin SiteTarget target) {
            target.configuredBy(context.config(), context.environment());
            Properties config = new Properties();
            config.put(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers != null ? bootstrapServers : target.localBootstrapServers());
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            RelayMessageFormatter formatter = new RelayMessageFormatter();
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                // No consumer group: a tail reads, it takes nothing from anyone and leaves no offsets behind.
                List<PartitionInfo> partitions = consumer.partitionsFor(topic, HTTP_TIMEOUT);
                if (partitions == null || partitions.isEmpty()) {
                    throw new IllegalArgumentException(
                            "no topic " + topic + " on " + config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
                }
                List<TopicPartition> assigned = new ArrayList<>();
                partitions.forEach(partition -> assigned.add(new TopicPartition(topic, partition.partition())));
                consumer.assign(assigned);
                if (fromBeginning) {
                    consumer.seekToBeginning(assigned);
                } else {
                    consumer.seekToEnd(assigned);
                }
                long printed = 0;
                long lastRecord = System.nanoTime();
                while (maxRecords == null || printed < maxRecords) {
                    boolean any = false;
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        formatter.writeTo(record, context.out());
                        any = true;
                        if (++printed == (maxRecords == null ? -1 : maxRecords)) {
                            break;
                        }
                    }
                    context.out().flush();
                    if (any) {
                        lastRecord = System.nanoTime();
                    } else if (idleSeconds != null
                            && System.nanoTime() - lastRecord
                                    > Duration.ofSeconds(idleSeconds).toNanos()) {
                        break;
                    }
                }
            }
            return 0;
        }
    }

    /** A site's HTTP API with a bearer token; a problem answer becomes an exception with its detail. */
    static final class SiteApi {

        private final URI api;
        private final String token;
        private final HttpClient http =
                HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();

        SiteApi(URI api, String token) {
            this.api = api;
            this.token = token;
        }

        JsonNode get(String path) throws IOException, InterruptedException {
            return send(request(path).GET());
        }

        JsonNode post(String path) throws IOException, InterruptedException {
            return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(api.resolve(path))
                    .timeout(HTTP_TIMEOUT)
                    .header("Authorization", "Bearer " + token)
                    .header("Accept", "application/json");
        }

        private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                String detail = body.path("detail").asText(body.path("title").asText(response.body()));
                throw new IllegalStateException(response.statusCode() + " from " + api + ": " + oneLine(detail));
            }
            return body;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
