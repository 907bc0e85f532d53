package io.opsdb.relay.app.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {

    private static final Instant T0 = Instant.parse("2026-11-30T04:00:00Z");

    @Test
    void theFirstSampleHasNoRateAndEachLaterOneTheTransactionsAppliedPerSecondSinceTheOneBefore() {
        StatusHistory history = new StatusHistory(10);
        history.record(T0, 3, 1.5, 0.0, 100);
        history.record(T0.plusSeconds(10), 7, 11.5, 0.2, 150);
        history.record(T0.plusSeconds(20), 0, 0.0, null, 150);

        assertThat(history.samples())
                .containsExactly(
                        new StatusSample(T0, 3, 1.5, 0.0, null),
                        new StatusSample(T0.plusSeconds(10), 7, 11.5, 0.2, 5.0),
                        new StatusSample(T0.plusSeconds(20), 0, 0.0, null, 0.0));
    }

    @Test
    void aSkippedSampleWidensTheNextOnesIntervalInsteadOfLosingItsTransactions() {
        StatusHistory history = new StatusHistory(10);
        history.record(T0, 0, 0, 0.0, 0);
        // The sample at +10 s could not be taken: the next covers 30 s.
        history.record(T0.plusSeconds(30), 0, 0, 0.0, 60);

        assertThat(history.samples().get(1).appliedPerSecond()).isEqualTo(2.0);
    }

    @Test
    void keepsTheLastCapacitySamplesOldestFirst() {
        StatusHistory history = new StatusHistory(3);
        for (int i = 0; i < 5; i++) {
            history.record(T0.plusSeconds(10L * i), i, 0, 0.0, i);
        }

        assertThat(history.samples()).extracting(StatusSample::inFlight).containsExactly(2, 3, 4);
        assertThat(history.samples()).extracting(StatusSample::at).isSorted();
    }

    @Test
    void aSampleAtTheSameInstantAsTheOneBeforeHasNoRate() {
        StatusHistory history = new StatusHistory(3);
        history.record(T0, 0, 0, 0.0, 0);
        history.record(T0, 1, 0, 0.0, 5);

        assertThat(history.samples().get(1).appliedPerSecond()).isNull();
    }

    @Test
    void refusesAnEmptyRing() {
        assertThatThrownBy(() -> new StatusHistory(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("capacity");
    }
}
