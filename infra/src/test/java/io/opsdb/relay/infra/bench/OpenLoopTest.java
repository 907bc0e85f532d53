package io.opsdb.relay.infra.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpenLoopTest {

    @Test
    void aStallCountsAgainstEveryRequestThatWasDueDuringIt() throws Exception {
        // 100 requests/s for 1 s; the 10th blocks its sender for 300 ms, as a full producer buffer would.
        OpenLoop.Result result = OpenLoop.run(100, Duration.ofSeconds(1), i -> {
            if (i == 10) {
                try {
                    TimeUnit.MILLISECONDS.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return CompletableFuture.completedFuture(true);
        });

        assertThat(result.latencies().getTotalCount()).isEqualTo(100);
        assertThat(result.failures()).isZero();
        // Requests 11 to 30 were due while the sender was blocked: each waited at least 100 ms past its due time.
        long slow = result.latencies()
                .getCountBetweenValues(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.SECONDS.toNanos(1));
        assertThat(slow).as("requests at least 100 ms late").isGreaterThanOrEqualTo(19);
        assertThat(result.millis(50)).isLessThan(100);
    }

    @Test
    void aRequestThatFailsOrAnswersFalseIsCountedAsAFailure() throws Exception {
        OpenLoop.Result result = OpenLoop.run(200, Duration.ofMillis(100), i -> switch (i % 3) {
            case 0 -> CompletableFuture.completedFuture(false);
            case 1 -> CompletableFuture.failedFuture(new IllegalStateException("refused"));
            default -> CompletableFuture.completedFuture(true);
        });

        assertThat(result.latencies().getTotalCount()).isEqualTo(20);
        assertThat(result.failures()).isEqualTo(14);
    }
}
