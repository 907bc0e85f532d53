package io.opsdb.relay.main.internal.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.util.backoff.BackOffExecution;

class PausingBackOffTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T12:00:00Z"));
    private final PausingBackOff backOff =
            new PausingBackOff(3, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(1), clock);

    @Test
    void retriesWithDoublingDelaysThenPausesThenStartsTheCycleAgain() {
        BackOffExecution execution = backOff.start();

        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            delays.add(execution.nextBackOff());
        }

        assertThat(delays)
                .containsExactly(5_000L, 10_000L, 20_000L, 60_000L, 5_000L, 10_000L, 20_000L, 60_000L, 5_000L);
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(backOff::stepAfter))
                .containsExactly(
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.PAUSE,
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.RETRY,
                        PausingBackOff.Step.PAUSE);
    }

    @Test
    void neverStopsSoNoCommandIsEverSkipped() {
        BackOffExecution execution = backOff.start();

        assertThat(IntStream.range(0, 100_000).mapToLong(i -> execution.nextBackOff()))
                .doesNotContain(BackOffExecution.STOP)
                .allMatch(delay -> delay > 0);
    }

    @Test
    void delaysNeverExceedTheMaximumHoweverManyRetries() {
        PausingBackOff patient =
                new PausingBackOff(100, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(2), clock);

        assertThat(patient.delayAfter(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(patient.delayAfter(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(patient.delayAfter(100)).isEqualTo(Duration.ofMinutes(1));
        assertThat(patient.delayAfter(101)).as("the pause").isEqualTo(Duration.ofMinutes(2));
        assertThat(patient.delayAfter(102)).as("a new cycle").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void withNoRetriesEveryFailedTryIsFollowedByAPause() {
        PausingBackOff impatient =
                new PausingBackOff(0, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(1), clock);

        assertThat(IntStream.rangeClosed(1, 3).mapToObj(impatient::stepAfter)).containsOnly(PausingBackOff.Step.PAUSE);
        assertThat(impatient.delayAfter(1)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void isPausedOnlyWhileAPauseLasts() {
        BackOffExecution execution = backOff.start();
        for (int i = 0; i < 3; i++) {
            execution.nextBackOff();
        }
        assertThat(backOff.isPaused()).as("while retrying").isFalse();

        execution.nextBackOff();
        assertThat(backOff.isPaused()).isTrue();
        clock.advance(Duration.ofSeconds(59));
        assertThat(backOff.isPaused()).isTrue();

        clock.advance(Duration.ofSeconds(1));
        assertThat(backOff.isPaused()).as("after the pause, trying again").isFalse();
    }

    @Test
    void eachFailedBatchStartsItsOwnCycle() {
        BackOffExecution first = backOff.start();
        first.nextBackOff();
        first.nextBackOff();

        assertThat(backOff.start().nextBackOff()).isEqualTo(5_000L);
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
