package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import io.opsdb.relay.kafka.RelayLimits;

/**
 * The compose files cannot read {@link RelayLimits}: they repeat its sizes by hand, and this keeps them equal, so
 * the largest transaction the API accepts also fits through the containers' brokers and MirrorMaker 2.
 */
class DockerSettingsTest {

    private static final String MAX_RECORD_BYTES = Integer.toString(RelayLimits.MAX_RECORD_BYTES);

    @Test
    void mirrorMakerInTheComposeStackCarriesTheLargestRecordBothWays() throws Exception {
        Properties mm2 = new Properties();
        try (Reader file = Files.newBufferedReader(Path.of("docker/mm2.properties"))) {
            mm2.load(file);
        }
        for (String cluster : new String[] {"cologne", "observatory"}) {
            assertThat(mm2.getProperty(cluster + ".producer.max.request.size")).as(cluster + " producer").isEqualTo(MAX_RECORD_BYTES);
            assertThat(mm2.getProperty(cluster + ".consumer.max.partition.fetch.bytes")).as(cluster + " consumer")
                    .isEqualTo(MAX_RECORD_BYTES);
        }
    }

    @Test
    void theComposeBrokersAcceptTheLargestRecord() throws Exception {
        String compose = Files.readString(Path.of("../docker-compose.yml"));
        assertThat(compose).contains("KAFKA_MESSAGE_MAX_BYTES: \"" + MAX_RECORD_BYTES + "\"")
                .contains("KAFKA_REPLICA_FETCH_MAX_BYTES: \"" + MAX_RECORD_BYTES + "\"");
    }
}
