package io.opsdb.relay.systemtest.fault;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MirrorMaker 2 ends on its own in production: it exits when it cannot describe a cluster as it starts (seen here
 * after a WAN outage, on an overloaded machine), and a JVM may crash. The launcher supervises it as compose's
 * {@code restart: unless-stopped} does: a MirrorMaker 2 that ends without the launcher ending it is started again, and
 * the writes buffered meanwhile drain. Before, it stayed down and the site's writes stayed BUFFERED.
 */
@ExtendWith(TwoSiteStack.class)
class MirrorMakerCrashIT {

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());

    @Test
    void aMirrorMakerKilledBehindTheLaunchersBackIsStartedAgainAndTheWriteMadeMeanwhileBecomesVisible()
            throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        Path pidFile = stack.workDir().resolve("pids").resolve(LocalStack.MM2_COLOGNE + ".pid");
        long killed = pid(pidFile);
        ProcessHandle process = ProcessHandle.of(killed).orElseThrow();

        // kill -9 from outside, as the OOM killer or an operator's mistake would.
        assertThat(process.destroyForcibly()).isTrue();
        process.onExit().get(30, TimeUnit.SECONDS);

        SiteHttp.Answer accepted = observatory.post(
                "/executed_obs_units/start", map("obs_unit_id", "uid://mm2-crash/1", "instrument", "camera"));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);

        // Only a MirrorMaker 2 started again carries this write to cologne.
        SiteHttp.Answer settled = observatory.whenSettled(accepted.text("transaction_id"));
        assertThat(settled.text("state")).as(settled.body()).isEqualTo("VISIBLE");
        long restarted = pid(pidFile);
        assertThat(restarted)
                .as("the pid of %s after the kill", LocalStack.MM2_COLOGNE)
                .isNotEqualTo(killed);
        assertThat(ProcessHandle.of(restarted).map(ProcessHandle::isAlive)).hasValue(true);
        assertThat(stack.component(LocalStack.MM2_COLOGNE).isRunning()).isTrue();
    }

    private static long pid(Path pidFile) throws Exception {
        return Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    }
}
