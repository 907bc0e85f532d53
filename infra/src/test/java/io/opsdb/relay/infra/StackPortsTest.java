package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StackPortsTest {

    @Test
    void environmentOverridesOnlyTheVariablesThatAreSet() {
        StackPorts ports = StackPorts.fromEnvironment(Map.of("MAIN_KAFKA_PORT", "39092", "REPLICA_DB_PORT", " 35432 "));

        assertThat(ports.mainKafka()).isEqualTo(39092);
        assertThat(ports.mainKafkaController()).isEqualTo(39093);
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
    void theFirstSecondaryHasTheBasePortsAndEachNextOneTheirsPlusTen() {
        StackPorts ports = StackPorts.defaults();

        assertThat(ports.secondary(0)).isEqualTo(new StackPorts.SecondaryPorts(8001, 29092, 25432));
        assertThat(ports.secondary(1)).isEqualTo(new StackPorts.SecondaryPorts(8011, 29102, 25442));
        assertThat(ports.secondary(2)).isEqualTo(new StackPorts.SecondaryPorts(8021, 29112, 25452));
        assertThat(ports.secondary(2).kafkaController()).isEqualTo(29113);
    }

    @Test
    void theSecondariesFollowTheFirstOnesOverriddenPorts() {
        StackPorts ports =
                StackPorts.fromEnvironment(Map.of("OBSERVATORY_API_PORT", "9001", "REPLICA_DB_PORT", "35432"));

        assertThat(ports.secondary(1)).isEqualTo(new StackPorts.SecondaryPorts(9011, 29102, 35442));
    }

    @Test
    void claimsNameEverySitesComponentsWithTheVariableThatMovesThem() {
        SiteList sites = SiteList.parse("observatory,summit,lab");

        List<PortClaim> claims = StackPorts.defaults().claims(sites, true);

        assertThat(claims)
                .extracting(PortClaim::owner)
                .containsExactly(
                        "cologne-app",
                        "observatory-app",
                        "summit-app",
                        "lab-app",
                        "kafka-cologne",
                        "kafka-cologne controller",
                        "kafka-cologne WAN",
                        "kafka-observatory",
                        "kafka-observatory controller",
                        "kafka-observatory WAN",
                        "kafka-summit",
                        "kafka-summit controller",
                        "kafka-summit WAN",
                        "kafka-lab",
                        "kafka-lab controller",
                        "kafka-lab WAN",
                        "primary",
                        "replica",
                        "replica-summit",
                        "replica-lab");
        assertThat(claims)
                .extracting(PortClaim::port)
                .containsExactly(
                        8000, 8001, 8011, 8021, 19092, 19093, 19094, 29092, 29093, 29094, 29102, 29103, 29104, 29112,
                        29113, 29114, 15432, 25432, 25442, 25452);
        assertThat(claims)
                .filteredOn(claim -> claim.owner().equals("replica-lab"))
                .singleElement()
                .extracting(PortClaim::environmentVariable)
                .isEqualTo("REPLICA_DB_PORT");
    }

    @Test
    void tenSecondariesOfAStackStayClearOfAStackOffsetByTheNextHundred() {
        SiteList ten = SiteList.parse("s0,s1,s2,s3,s4,s5,s6,s7,s8,s9");
        List<Integer> ours = StackPorts.defaults().withOffset(700).claims(ten, true).stream()
                .map(PortClaim::port)
                .toList();

        for (int offset : new int[] {0, 100, 200, 300, 400, 500, 600, 800}) {
            List<Integer> theirs = StackPorts.defaults().withOffset(offset).claims(ten, true).stream()
                    .map(PortClaim::port)
                    .toList();
            assertThat(ours).as("offset 700 against " + offset).doesNotContainAnyElementsOf(theirs);
        }
    }

    @Test
    void aLaterSecondarysPortThatCollidesWithAnotherPortIsRefused() {
        // The second secondary's API would be 8011, where the main API was moved.
        StackPorts ports = StackPorts.fromEnvironment(Map.of("MAIN_API_PORT", "8011"));

        assertThatThrownBy(() -> ports.validate(SiteList.parse("observatory,summit")))
                .isInstanceOf(StackException.class)
                .hasMessage("port 8011 is used by both cologne-app and summit-app");
    }

    @Test
    void offsetShiftsEveryPortControllersAndWanListenersIncluded() {
        StackPorts ports = StackPorts.defaults().withOffset(1000);

        assertThat(ports.claims(true))
                .extracting(PortClaim::port)
                .containsExactly(9000, 9001, 20092, 20093, 20094, 30092, 30093, 30094, 16432, 26432);
        assertThat(ports.claims(false)).extracting(PortClaim::owner).doesNotContain("cologne-app", "observatory-app");
    }
}
