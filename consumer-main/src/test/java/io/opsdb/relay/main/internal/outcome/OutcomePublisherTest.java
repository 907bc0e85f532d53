package io.opsdb.relay.main.internal.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomePublisherTest {

    @Test
    void anOutcomeGoesToItsSitesTopic() {
        assertThat(OutcomePublisher.topic("observatory")).isEqualTo("ops.outcomes.observatory");
        assertThat(OutcomePublisher.topic("lab-2_b")).isEqualTo("ops.outcomes.lab-2_b");
    }

    @Test
    void aSiteThatCannotNameATopicHasItsOutcomesInTheSingleTopicOfBefore() {
        assertThat(OutcomePublisher.topic("two words")).isEqualTo("ops.outcomes");
        assertThat(OutcomePublisher.topic("x".repeat(240))).isEqualTo("ops.outcomes");
        assertThat(OutcomePublisher.topic("")).isEqualTo("ops.outcomes");
        assertThat(OutcomePublisher.topic(null)).isEqualTo("ops.outcomes");
    }
}
