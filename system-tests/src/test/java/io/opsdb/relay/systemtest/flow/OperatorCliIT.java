package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.infra.RelayCli;
import io.opsdb.relay.kafka.RelayTopics;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.RawRecords;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An operator's day with {@code bin/relay}'s operator commands, run as processes against the real stack with a token
 * from the environment: a FAILED transaction is listed, shown and discarded, a retry of what cannot be retried is
 * refused with the site's reason, the buffer figures are printed, and {@code topic tail} prints the site's commands
 * decoded, the unreadable one as such. The FAILED transaction is made as an unreadable command naming itself (see
 * UnreadableOwnCommandIT), so it runs only where the observatory reads its own commands (the state store).
 */
@ExtendWith(TwoSiteStack.class)
@DisabledIfSystemProperty(
        named = LocalStack.TRANSACTION_STATE_STORE_PROPERTY,
        matches = "false",
        disabledReason = "the heap tracker does not read ops.commands")
class OperatorCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(90);
    /** What each command printed, as an operator would see it: the README's examples are taken from here. */
    private static final Path TRANSCRIPT = Path.of("target", "operator-cli-transcript.txt");

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());

    @BeforeAll
    static void newTranscript() throws Exception {
        Files.deleteIfExists(TRANSCRIPT);
    }

    @Test
    void aFailedTransactionIsListedShownAndDiscardedAndTheTopicIsTailedDecoded() throws Exception {
        String failed = UUID.randomUUID().toString();
        byte[] garbage = ("not a command " + failed).getBytes(StandardCharsets.UTF_8);
        RawRecords.produce(
                stack.observatoryBootstrapServers(),
                RelayTopics.COMMANDS,
                failed,
                garbage,
                Map.of(RelayTopics.HEADER_TRANSACTION_ID, failed, RelayTopics.HEADER_SITE, "observatory"));
        Conditions.waitFor(
                () -> observatory.get("/api/transactions/" + failed).status() == 200,
                SETTLE,
                "the unreadable command's transaction is unknown at the observatory");
        SiteHttp.Answer good = observatory.post(
                "/executed_obs_units/start", SiteHttp.map("obs_unit_id", "cli-1", "instrument", "camera"));
        assertThat(good.status()).as(good.body()).isEqualTo(201);

        List<String> listed = relay("tx", "list", "--state", "FAILED", "--limit", "1000");
        assertThat(listed.get(0)).startsWith("TRANSACTION");
        assertThat(listed)
                .anySatisfy(line ->
                        assertThat(line).startsWith(failed).contains("FAILED").contains("unreadable command"));

        JsonNode shown = JSON.readTree(String.join("\n", relay("tx", "show", failed)));
        assertThat(shown.get("transaction_id").asText()).isEqualTo(failed);
        assertThat(shown.get("state").asText()).isEqualTo("FAILED");

        ToolProcess.Result retry = cli("tx", "retry", failed);
        assertThat(retry.exit()).as("a retry of an unreadable command").isEqualTo(1);
        assertThat(retry.err()).contains("relay: 4");

        assertThat(relay("tx", "discard", failed))
                .containsExactly("relay: discard " + failed + ": now DISCARDED, attempt 1");
        assertThat(observatory.get("/api/transactions/" + failed).text("state")).isEqualTo("DISCARDED");

        List<String> buffer = relay("buffer");
        assertThat(buffer).anySatisfy(line -> assertThat(line).matches("in_flight\\s+\\d+"));
        assertThat(buffer).anySatisfy(line -> assertThat(line).matches("discarded\\s+[1-9]\\d*"));

        List<String> tail = relay("topic", "tail", RelayTopics.COMMANDS, "--from-beginning", "--idle-timeout", "10");
        List<JsonNode> records = new ArrayList<>();
        for (String line : tail) {
            records.add(JSON.readTree(line));
        }
        assertThat(records)
                .filteredOn(record -> failed.equals(record.path("key").asText()))
                .singleElement()
                .satisfies(record ->
                        assertThat(record.get("value").has("unreadable")).isTrue());
        assertThat(records)
                .filteredOn(record -> good.text("transaction_id")
                        .equals(record.path("value").path("transactionId").asText()))
                .singleElement()
                .satisfies(record -> assertThat(record.get("value")
                                .get("operations")
                                .get(0)
                                .get("recordId")
                                .asText())
                        .isEqualTo(good.text("id")));
    }

    /** {@code bin/relay args} against the observatory, which must succeed; its output lines. */
    private List<String> relay(String... args) throws Exception {
        ToolProcess.Result result = cli(args);
        assertThat(result.exit())
                .as(String.join(" ", args) + ": " + result.err())
                .isZero();
        assertThat(String.join("\n", result.out()) + result.err())
                .as("the token is never printed")
                .doesNotContain(TwoSiteStack.token());
        return result.out();
    }

    private ToolProcess.Result cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(args));
        if (args[0].equals("topic")) {
            command.addAll(List.of("--bootstrap-server", stack.observatoryBootstrapServers()));
        } else {
            command.addAll(List.of("--api", stack.observatoryApi().toString()));
        }
        ToolProcess.Result result =
                ToolProcess.java(stack, Map.of("RELAY_TOKEN", TwoSiteStack.token()), RelayCli.class.getName(), command);
        List<String> shown =
                args[0].equals("topic") ? result.out().stream().limit(2).toList() : result.out();
        Files.writeString(
                TRANSCRIPT,
                "$ bin/relay " + String.join(" ", args) + "\n" + String.join("\n", shown) + "\n" + result.err()
                        + (result.err().isEmpty() || result.err().endsWith("\n") ? "" : "\n") + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return result;
    }
}
