package io.opsdb.relay.systemtest.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.Conditions;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /actuator/health}, where container probes look, says what {@code /health} says, and its liveness and
 * readiness groups mean what a probe needs: with the WAN down (both MirrorMaker 2 flows stopped) the observatory is UP
 * or DEGRADED, never DOWN, ready and alive, and keeps accepting writes into its buffer. Spring Boot's health without
 * the relay's verdict would disagree with /health: this test then fails on the missing {@code relay} component.
 */
@ExtendWith(TwoSiteStack.class)
class HealthProbesIT {

    private static final Duration SETTLE = Duration.ofSeconds(90);

    private final LocalStack stack = TwoSiteStack.stack();
    private final SiteHttp observatory = new SiteHttp(stack.observatoryApi(), TwoSiteStack.token());
    private final SiteHttp cologne = new SiteHttp(stack.mainApi(), TwoSiteStack.token());

    @Test
    void actuatorHealthAgreesWithHealthAndACutOffObservatoryStaysReadyAndAlive() throws Exception {
        awaitAgreement(observatory, "UP", 200);
        awaitAgreement(cologne, "UP", 200);
        assertProbe(observatory, "/actuator/health/liveness", 200, "UP");
        assertProbe(observatory, "/actuator/health/readiness", 200, "UP");

        // The WAN is down: both MirrorMaker 2 flows stopped, as in a link outage.
        List<String> cut = List.of(LocalStack.MM2_COLOGNE, LocalStack.MM2_OBSERVATORY);
        cut.forEach(stack::stop);
        try {
            SiteHttp.Answer write = observatory.post(
                    "/executed_obs_units/start", SiteHttp.map("obs_unit_id", "probe-1", "instrument", "camera"));
            assertThat(write.status()).as(write.body()).isEqualTo(201);
            Conditions.waitFor(
                    () -> get(observatory, "/api/buffer")
                                    .json()
                                    .get("in_flight")
                                    .asInt()
                            > 0,
                    SETTLE,
                    "the write did not wait in the observatory's buffer");
            // Cut off, the observatory serves: UP, or DEGRADED once a part is impaired; never DOWN.
            String status = get(observatory, "/health").text("status");
            assertThat(status).isIn("UP", "DEGRADED");
            awaitAgreement(observatory, status, 200);
            assertProbe(observatory, "/actuator/health/readiness", 200, status);
            assertProbe(observatory, "/actuator/health/liveness", 200, "UP");
        } finally {
            for (String name : cut) {
                if (!stack.component(name).isRunning()) {
                    stack.component(name).start();
                }
            }
        }
        awaitAgreement(cologne, "UP", 200);
        awaitAgreement(observatory, "UP", 200);
        assertProbe(cologne, "/actuator/health/readiness", 200, "UP");
    }

    /** Waits until {@code /health} and {@code /actuator/health} both answer {@code status} with {@code code}. */
    private static void awaitAgreement(SiteHttp site, String status, int code) throws Exception {
        Conditions.waitFor(
                () -> answers(site, "/health", code, status) && answers(site, "/actuator/health", code, status),
                SETTLE,
                "/health and /actuator/health did not both answer " + code + " " + status);
        // Both read the same components at the same moment: the verdicts agree in one read, not only eventually.
        SiteHttp.Answer actuator = get(site, "/actuator/health");
        assertThat(actuator.json().get("components").get("relay").get("status").asText())
                .as(actuator.body())
                .isEqualTo(status);
    }

    private static void assertProbe(SiteHttp site, String path, int code, String status) {
        SiteHttp.Answer answer = get(site, path);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(code);
        assertThat(answer.text("status")).as(path).isEqualTo(status);
    }

    private static boolean answers(SiteHttp site, String path, int code, String status) {
        SiteHttp.Answer answer = get(site, path);
        return answer.status() == code && status.equals(answer.text("status"));
    }

    private static SiteHttp.Answer get(SiteHttp site, String path) {
        try {
            return site.get(path);
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + ": " + e.getMessage(), e);
        }
    }
}
