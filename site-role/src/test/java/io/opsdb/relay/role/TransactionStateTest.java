package io.opsdb.relay.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TransactionStateTest {

    @Test
    void visibleFailedAndDiscardedAreSettledTheRestIsOnItsWay() {
        assertThat(Arrays.stream(TransactionState.values()).filter(TransactionState::isSettled))
                .containsExactly(TransactionState.VISIBLE, TransactionState.FAILED, TransactionState.DISCARDED);
    }

    @Test
    void onlyAFailedTransactionTakesAnOperatorsActionAndIsKeptUntilThen() {
        assertThat(Arrays.stream(TransactionState.values()).filter(TransactionState::acceptsOperatorAction))
                .containsExactly(TransactionState.FAILED);
        assertThat(Arrays.stream(TransactionState.values()).filter(TransactionState::isExpirable))
                .containsExactly(TransactionState.VISIBLE, TransactionState.DISCARDED);
    }
}
