package io.opsdb.relay.app.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class LargeBodyBudgetTest {

    private final LargeBodyBudget budget = new LargeBodyBudget(Duration.ofMillis(200));

    @Test
    void anOrdinaryBodyPassesWithoutTakingFromTheBudget() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        MockHttpServletResponse response = new MockHttpServletResponse();

        budget.doFilter(post(LargeBodyBudget.LARGE_BODY_BYTES - 1), response, (req, res) -> {
            assertThat(budget.available()).isEqualTo(LargeBodyBudget.BUDGET_BYTES);
            handled.incrementAndGet();
        });

        assertThat(handled).hasValue(1);
        assertThat(response.getStatus()).isEqualTo(200);
    }

    @Test
    void whileTheLargestBodyIsHandledAnotherLargeOneWaitsThenIsAnswered503AndNeverRead() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> largest = CompletableFuture.runAsync(() -> {
            try {
                budget.doFilter(post(LargeBodyBudget.BUDGET_BYTES), new MockHttpServletResponse(), (req, res) -> {
                    inside.countDown();
                    await(release);
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(budget.available()).isZero();

        AtomicInteger handled = new AtomicInteger();
        MockHttpServletResponse refused = new MockHttpServletResponse();
        budget.doFilter(post(LargeBodyBudget.LARGE_BODY_BYTES), refused, (req, res) -> handled.incrementAndGet());

        assertThat(handled).hasValue(0);
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.getContentAsString()).contains("Nothing was read or accepted");

        // An ordinary write is not held up by it.
        MockHttpServletResponse ordinary = new MockHttpServletResponse();
        budget.doFilter(post(600), ordinary, (req, res) -> handled.incrementAndGet());
        assertThat(handled).hasValue(1);

        release.countDown();
        largest.get(10, TimeUnit.SECONDS);
        assertThat(budget.available()).isEqualTo(LargeBodyBudget.BUDGET_BYTES);
    }

    @Test
    void aWaitingLargeBodyIsHandledOnceTheBudgetIsFreeAndAFailedRequestGivesItsShareBack() throws Exception {
        LargeBodyBudget patient = new LargeBodyBudget(Duration.ofSeconds(30));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> failing = CompletableFuture.runAsync(() -> {
            try {
                patient.doFilter(post(LargeBodyBudget.BUDGET_BYTES), new MockHttpServletResponse(), (req, res) -> {
                    inside.countDown();
                    await(release);
                    throw new IllegalStateException("the handler failed");
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        AtomicInteger handled = new AtomicInteger();
        MockHttpServletResponse response = new MockHttpServletResponse();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                patient.doFilter(
                        post(LargeBodyBudget.BUDGET_BYTES / 2), response, (req, res) -> handled.incrementAndGet());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!patient.waiting() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(patient.waiting())
                .as("the second large body waits for the first")
                .isTrue();
        assertThat(handled).hasValue(0);

        release.countDown();
        waiting.get(10, TimeUnit.SECONDS);
        assertThat(handled).hasValue(1);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the handler failed");
        assertThat(patient.available()).isEqualTo(LargeBodyBudget.BUDGET_BYTES);
    }

    private static MockHttpServletRequest post(long length) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/raw_data_files/bulk");
        request.setContent(new byte[(int) length]);
        return request;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
