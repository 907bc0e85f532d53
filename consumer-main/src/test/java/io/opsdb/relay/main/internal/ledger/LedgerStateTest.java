package io.opsdb.relay.main.internal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LedgerStateTest {

    @Test
    void aFailedRowSetAsideByAnOperatorIsDiscarded() {
        assertThat(LedgerState.of("FAILED", false)).isEqualTo(LedgerState.FAILED);
        assertThat(LedgerState.of("FAILED", true)).isEqualTo(LedgerState.DISCARDED);
    }

    @Test
    void anAppliedRowIsAppliedEvenIfItWasOnceDiscarded() {
        // A later attempt (retried at its site after a discard here) that applied is what counts.
        assertThat(LedgerState.of("APPLIED", true)).isEqualTo(LedgerState.APPLIED);
    }

    @Test
    void onlyAFailedTransactionCanBeRetriedOrDiscarded() {
        assertThat(Arrays.stream(LedgerState.values()).filter(LedgerState::acceptsOperatorAction))
                .containsExactly(LedgerState.FAILED);
    }
}
