package io.opsdb.relay.systemtest.flow;

import static io.opsdb.relay.testsupport.SiteHttp.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.LocalStack;
import io.opsdb.relay.testsupport.SiteHttp;
import io.opsdb.relay.testsupport.TwoSiteStack;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/transactions/{id}?wait=visible&timeout=s} keeps its word past the servlet container's own async
 * timeout (30 s): it answers 200 with the current state when the client's timeout runs out, and the settled state
 * when the transaction settles later than 30 s into the wait. Before, both answered 503 after 30 s.
 */
@ExtendWith(TwoSiteStack.class)
class LongPollIT {

    /** Past the container's default async timeout of 30 s. */
    private static final int SHORT_WAIT_SECONDS = 35;

    private final SiteHttp observatory = new SiteHttp(TwoSiteStack.stack().observatoryApi(), TwoSiteStack.token());

    @Test
    void aLongPollAnswersItsCurrentStateAtItsOwnTimeoutAndTheSettledStateAfterThirtySeconds() throws Exception {
        LocalStack stack = TwoSiteStack.stack();
        // The WAN is down for commands: the write stays BUFFERED until MirrorMaker 2 runs again.
        stack.stop(LocalStack.MM2_COLOGNE);
        try {
            SiteHttp.Answer accepted = observatory.post(
                    "/executed_obs_units/start", map("obs_unit_id", "uid://long-poll/1", "instrument", "camera"));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(201);
            String tx = accepted.text("transaction_id");

            long begin = System.nanoTime();
            CompletableFuture<SiteHttp.Answer> shortWait = CompletableFuture.supplyAsync(
                    () -> get("/api/transactions/" + tx + "?wait=visible&timeout=" + SHORT_WAIT_SECONDS));
            CompletableFuture<SiteHttp.Answer> longWait =
                    CompletableFuture.supplyAsync(() -> get("/api/transactions/" + tx + "?wait=visible&timeout=120"));

            SiteHttp.Answer timedOut = shortWait.get(SHORT_WAIT_SECONDS + 30, TimeUnit.SECONDS);
            Duration waited = Duration.ofNanos(System.nanoTime() - begin);
            assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(200);
            assertThat(timedOut.text("state")).isEqualTo("BUFFERED");
            assertThat(waited).isGreaterThanOrEqualTo(Duration.ofSeconds(SHORT_WAIT_SECONDS));
            assertThat(longWait)
                    .as("the 120 s wait is still open after %s", waited)
                    .isNotDone();

            stack.component(LocalStack.MM2_COLOGNE).start();
            SiteHttp.Answer settled = longWait.get(90, TimeUnit.SECONDS);
            assertThat(settled.status()).as(settled.body()).isEqualTo(200);
            assertThat(settled.text("state")).isEqualTo("VISIBLE");
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThan(Duration.ofSeconds(30));
        } finally {
            if (!stack.component(LocalStack.MM2_COLOGNE).isRunning()) {
                stack.component(LocalStack.MM2_COLOGNE).start();
            }
        }
    }

    private SiteHttp.Answer get(String path) {
        try {
            return observatory.get(path);
        } catch (Exception e) {
            throw new IllegalStateException(path + ": " + e, e);
        }
    }
}
