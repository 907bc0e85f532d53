package io.opsdb.relay.infra;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackPortsTest {

    @Test
    void environmentOverridesOnlyTheVariablesThatAreSet() {
        StackPorts ports = StackPorts.fromEnvironment(Map.of("MAIN_KAFKA_PORT", "39092", "REPLICA_DB_PORT", " 35432 "));

        assertThat(ports.mainKafka()).isEqualTo(39092);
        assertThat(ports.kafkaController(Site.COLOGNE)).isEqualTo(39093);
        assertThat(ports.replicaDb()).isEqualTo(35432);
        assertThat(ports.observatoryKafka()).isEqualTo(29092);
        assertThat(ports.mainApi()).isEqualTo(8000);
    }

    @Test
    void reportsEveryBadVariableAtOnce() {
        assertThatThrownBy(() -> StackPorts.fromEnvironment(Map.of("MAIN_API_PORT", "eighty", "PRIMARY_DB_PORT", "x")))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("MAIN_API_PORT='eighty' is not a port number")
                .hasMessageContaining("PRIMARY_DB_PORT='x' is not a port number");
    }

    @Test
    void rejectsAPortThatCollidesWithAControllerPort() {
        assertThatThrownBy(() -> StackPorts.fromEnvironment(Map.of("PRIMARY_DB_PORT", "19093")))
                .isInstanceOf(StackException.class)
                .hasMessage("port 19093 is used by both kafka-cologne controller and primary");
    }

    @Test
    void offsetShiftsEveryPortControllersIncluded() {
        StackPorts ports = StackPorts.defaults().withOffset(1000);

        assertThat(ports.claims(true)).extracting(PortClaim::port)
                .containsExactly(9000, 9001, 20092, 20093, 30092, 30093, 16432, 26432);
        assertThat(ports.claims(false)).extracting(PortClaim::owner).doesNotContain("cologne-app", "observatory-app");
    }
}
