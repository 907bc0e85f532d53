package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.demo.ObservatoryClient;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The relay's topics are readable with the tools operators already have, exactly as the README's recipes run them:
 * Kafka's console consumer with {@code RelayMessageFormatter} or with {@code RelayJsonDeserializer}, and kcat piped
 * into {@code RelayJson}. One write is found, decoded, on the observatory's {@code ops.commands}, on its mirror at
 * Cologne, and its outcome on the observatory's mirror of Cologne's outcomes.
 */
@ExtendWith(TwoSiteStack.class)
class TopicToolsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer";

    private final LocalStack stack = TwoSiteStack.stack();
    private final ObservatoryClient client =
            new ObservatoryClient(stack.observatoryApi(), stack.serviceToken(), Executors.newFixedThreadPool(2));

    @Test
    void theConsoleConsumerPrintsCommandsAndOutcomesAsJsonAtBothSites() throws Exception {
        ObservatoryClient.Accepted start = client.startObsUnit("tools-1", "cámara 7");
        assertThat(start.status()).as(start.body()).isEqualTo(201);
        ObservatoryClient.Status visible = client.whenVisible(start.transactionId(), Duration.ofSeconds(90))
                .get();
        assertThat(visible.state()).as(visible.body()).isEqualTo("VISIBLE");

        JsonNode command = find(
                consoleConsumer(stack.observatoryBootstrapServers(), RelayTopics.COMMANDS, formatter()),
                start.transactionId());
        assertThat(command.get("topic").asText()).isEqualTo(RelayTopics.COMMANDS);
        assertThat(command.get("headers").get(RelayTopics.HEADER_TRANSACTION_ID).asText())
                .isEqualTo(start.transactionId());
        JsonNode operation = command.get("value").get("operations").get(0);
        assertThat(operation.get("type").asText()).isEqualTo("CREATE");
        assertThat(operation.get("recordId").asText()).isEqualTo(start.recordId());
        assertThat(operation.get("values").get("instrument").asText()).isEqualTo("cámara 7");

        JsonNode mirrored = find(
                consoleConsumer(stack.mainBootstrapServers(), "observatory." + RelayTopics.COMMANDS, formatter()),
                start.transactionId());
        assertThat(mirrored.get("value")).isEqualTo(command.get("value"));

        JsonNode outcome = find(
                consoleConsumer(
                        stack.observatoryBootstrapServers(),
                        "cologne." + RelayTopics.outcomes("observatory"),
                        formatter()),
                start.transactionId());
        assertThat(outcome.get("value").get("status").asText()).isEqualTo("APPLIED");
        assertThat(outcome.get("value").get("commitLsn").asLong()).isPositive();
    }

    @Test
    void theConsoleConsumerPrintsValuesWithTheNoArgumentDeserializer() throws Exception {
        ObservatoryClient.Accepted start = client.startObsUnit("tools-2", "camera");
        assertThat(start.status()).as(start.body()).isEqualTo(201);

        List<String> lines = consoleConsumer(
                stack.observatoryBootstrapServers(),
                RelayTopics.COMMANDS,
                List.of(
                        "--property", "value.deserializer=io.opsdb.relay.kafka.RelayJsonDeserializer",
                        "--property", "print.headers=true",
                        "--property", "print.value=true"));

        String line = lines.stream()
                .filter(text -> text.contains(start.transactionId()) && text.contains("\"operations\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + start.transactionId() + " in " + lines.size()));
        JsonNode value = JSON.readTree(line.substring(line.indexOf('{')));
        assertThat(value.get("transactionId").asText()).isEqualTo(start.transactionId());
        assertThat(value.get("operations")
                        .get(0)
                        .get("values")
                        .get("obs_unit_id")
                        .asText())
                .isEqualTo("tools-2");
    }

    @Test
    void kcatPipedIntoRelayJsonPrintsTheCommands() throws Exception {
        ObservatoryClient.Accepted start = client.startObsUnit("tools-3", "camera");
        assertThat(start.status()).as(start.body()).isEqualTo(201);

        List<String> lines = succeeded(ToolProcess.run(
                List.of(
                        "bash",
                        "-c",
                        "kcat -C -b " + stack.observatoryBootstrapServers() + " -t " + RelayTopics.COMMANDS
                                + " -e -q -f '%R%s' | java -cp '" + ToolProcess.classpath(stack) + "' "
                                + "io.opsdb.relay.kafka.RelayJson"),
                Map.of()));

        JsonNode value = find(lines, start.transactionId(), node -> node);
        assertThat(value.get("operations").get(0).get("recordId").asText()).isEqualTo(start.recordId());
        // Every record is printed, the unreadable ones other tests put there as such.
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            assertThat(node.has("transactionId") || node.has("unreadable"))
                    .as(line)
                    .isTrue();
        }
    }

    private static List<String> formatter() {
        return List.of("--formatter", "io.opsdb.relay.kafka.RelayMessageFormatter");
    }

    /** Everything on {@code topic} from its beginning, as the console consumer prints it, one element per line. */
    private List<String> consoleConsumer(String bootstrapServers, String topic, List<String> options)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-server",
                bootstrapServers,
                "--topic",
                topic,
                "--from-beginning",
                // Ends once nothing new came for this long: the topic's end.
                "--timeout-ms",
                "15000"));
        args.addAll(options);
        return succeeded(ToolProcess.java(stack, Map.of(), CONSOLE_CONSUMER, args));
    }

    private static List<String> succeeded(ToolProcess.Result result) {
        assertThat(result.exit()).as(result.err()).isZero();
        return result.out();
    }

    private static JsonNode find(List<String> lines, String transactionId) throws IOException {
        return find(lines, transactionId, node -> node.get("value"));
    }

    private static JsonNode find(List<String> lines, String transactionId, Function<JsonNode, JsonNode> value)
            throws IOException {
        for (String line : lines) {
            JsonNode node = JSON.readTree(line);
            JsonNode message = value.apply(node);
            if (message != null
                    && message.has("transactionId")
                    && message.get("transactionId").asText().equals(transactionId)) {
                return node;
            }
        }
        throw new AssertionError("no record of " + transactionId + " among " + lines.size() + " lines");
    }
}
