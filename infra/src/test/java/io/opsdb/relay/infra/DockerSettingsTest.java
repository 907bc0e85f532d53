package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.kafka.RelayLimits;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compose files cannot read {@link RelayLimits} or the launcher's {@code MirrorMakerProperties}: they repeat them
 * by hand, and this keeps them equal, so the largest transaction the API accepts also fits through the containers'
 * brokers and MirrorMaker 2, and each secondary's MirrorMaker 2 runs its flows, and only those, as the launcher's do.
 */
class DockerSettingsTest {

    private static final String MAX_RECORD_BYTES = Integer.toString(RelayLimits.MAX_RECORD_BYTES);

    private static Properties mirrorMaker(String file) throws IOException {
        Properties mm2 = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("docker").resolve(file))) {
            mm2.load(reader);
        }
        return mm2;
    }

    private static String compose() throws IOException {
        return Files.readString(Path.of("../docker-compose.yml"));
    }

    @ParameterizedTest
    @CsvSource({"mm2.properties, observatory", "mm2-summit.properties, summit"})
    void eachSecondarysMirrorMakerCarriesTheLargestRecordBothWays(String file, String site) throws Exception {
        Properties mm2 = mirrorMaker(file);
        for (String cluster : new String[] {"cologne", site}) {
            assertThat(mm2.getProperty(cluster + ".producer.max.request.size"))
                    .as(cluster + " producer")
                    .isEqualTo(MAX_RECORD_BYTES);
            assertThat(mm2.getProperty(cluster + ".consumer.max.partition.fetch.bytes"))
                    .as(cluster + " consumer")
                    .isEqualTo(MAX_RECORD_BYTES);
        }
    }

    @ParameterizedTest
    @CsvSource({"mm2.properties, observatory, mm2-cologne", "mm2-summit.properties, summit, mm2-cologne-summit"})
    void eachSecondarysMirrorMakerDeclaresCologneAndItsSiteWithTheirTwoFlows(
            String file, String site, String intoCologne) throws Exception {
        Properties mm2 = mirrorMaker(file);

        assertThat(mm2.getProperty("clusters"))
                .as("only cologne and the site: no heartbeat flows to other sites")
                .isEqualTo("cologne, " + site);
        assertThat(mm2.getProperty(site + ".bootstrap.servers")).isEqualTo("kafka-" + site + ":9092");
        assertThat(mm2.getProperty("cologne.bootstrap.servers")).isEqualTo("kafka-cologne:9092");
        assertThat(mm2.getProperty(site + "->cologne.enabled")).isEqualTo("true");
        assertThat(mm2.getProperty(site + "->cologne.topics")).isEqualTo("ops\\.commands");
        assertThat(mm2.getProperty("cologne->" + site + ".enabled")).isEqualTo("true");
        assertThat(mm2.getProperty("cologne->" + site + ".topics"))
                .as("only the site's own outcomes, and the single outcome topic of before, as the launcher's flow")
                .isEqualTo(LocalStack.outcomesOf(new SecondarySite(Site.secondary(site), 0))
                        .pattern());
        // The compose services that run them, one per target cluster, named as the launcher names its processes.
        assertThat(compose())
                .contains("  " + intoCologne + ":\n")
                .contains("  mm2-" + site + ":\n")
                .contains("./infra/docker/" + file + ":/etc/mm2.properties:ro")
                .contains("grep -qx " + site + ".ops.commands")
                .contains("grep -qx cologne.ops.outcomes." + site + "\n")
                .contains(" ops.outcomes." + site + " 604800000\n")
                .contains("\"--clusters\", \"" + site + "\"]");
    }

    @Test
    void theSecondSecondaryIsAProfileWithItsOwnNameAndTheNextPortsOfTheLaunchersPattern() throws Exception {
        String compose = compose();

        assertThat(compose)
                .contains("SITE_NAME: summit")
                .contains("KAFKA_BOOTSTRAP_SERVERS: kafka-summit:9092")
                .contains("LOCAL_DB_HOST: replica-summit")
                .contains("${SUMMIT_API_PORT:-"
                        + StackPorts.defaults().secondary(1).api() + "}")
                .contains("${SUMMIT_KAFKA_PORT:-"
                        + StackPorts.defaults().secondary(1).kafka() + "}")
                .contains("${SUMMIT_REPLICA_DB_PORT:-"
                        + StackPorts.defaults().secondary(1).replicaDb() + "}");
        assertThat(compose.split("profiles: \\[summit]", -1))
                .as("every summit service is in the profile")
                .hasSize(7);
    }

    @Test
    void theComposeBrokersAcceptTheLargestRecord() throws Exception {
        assertThat(compose())
                .contains("KAFKA_MESSAGE_MAX_BYTES: \"" + MAX_RECORD_BYTES + "\"")
                .contains("KAFKA_REPLICA_FETCH_MAX_BYTES: \"" + MAX_RECORD_BYTES + "\"");
    }
}
