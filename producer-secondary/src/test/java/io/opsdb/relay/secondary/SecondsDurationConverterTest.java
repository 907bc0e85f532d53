package io.opsdb.relay.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class SecondsDurationConverterTest {

    private final SecondsDurationConverter converter = new SecondsDurationConverter();

    @Test
    void plainNumbersAreSeconds() {
        assertThat(converter.convert("0.1")).isEqualTo(Duration.ofMillis(100));
        assertThat(converter.convert("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert(" 1.5 ")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void springDurationsStillWork() {
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("PT2S")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> converter.convert("-1")).isInstanceOf(IllegalArgumentException.class);
    }
}
