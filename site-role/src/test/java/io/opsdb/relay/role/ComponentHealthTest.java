package io.opsdb.relay.role;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ComponentHealthTest {

    @Test
    void aComponentIsUpOrDownAsItsCheckSaysAndKeepsWhetherItIsEssential() {
        assertThat(ComponentHealth.of("kafka", true, true))
                .isEqualTo(new ComponentHealth("kafka", ComponentHealth.State.UP, true));
        assertThat(ComponentHealth.of("replica", false, false))
                .isEqualTo(new ComponentHealth("replica", ComponentHealth.State.DOWN, false));
    }
}
