package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortClaimTest {

    @Test
    void namesTheTakenPortItsComponentAndTheVariableThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            PortClaim claim = new PortClaim(taken.getLocalPort(), "kafka-cologne", "MAIN_KAFKA_PORT");

            assertThat(claim.isFree()).isFalse();
            assertThat(PortClaim.conflicts(List.of(claim)))
                    .contains("port " + taken.getLocalPort()
                            + " (kafka-cologne) is already in use: stop what holds it or set MAIN_KAFKA_PORT");
        }
    }

    @Test
    void reportsNothingWhenEveryPortIsFree() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        assertThat(PortClaim.conflicts(List.of(new PortClaim(port, "primary", "PRIMARY_DB_PORT"))))
                .isEmpty();
    }
}
