package io.opsdb.relay.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.lsn.Lsn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LsnTest {

    @Test
    void parsesBothHexHalves() {
        assertThat(Lsn.valueOf("16/B374D848").asLong()).isEqualTo(0x16B374D848L);
        assertThat(Lsn.valueOf("0/0")).isSameAs(Lsn.INVALID);
        assertThat(Lsn.valueOf("FFFFFFFF/FFFFFFFF").asLong()).isEqualTo(-1L);
        assertThat(Lsn.valueOf("0/a0").asLong()).isEqualTo(0xA0L);
    }

    @Test
    void printsPostgresTextForm() {
        assertThat(Lsn.valueOf(0x16B374D848L).asString()).isEqualTo("16/B374D848");
        assertThat(Lsn.valueOf("0/a0").toString()).isEqualTo("0/A0");
        assertThat(Lsn.valueOf(Lsn.valueOf("3/1").asString())).isEqualTo(Lsn.valueOf("3/1"));
    }

    @Test
    void comparesNumericallyNotAsText() {
        // As strings "0/9" > "0/A0000000" and "9/0" > "10/0"; as positions both are the other way round.
        assertThat(Lsn.valueOf("0/9")).isLessThan(Lsn.valueOf("0/A0000000"));
        assertThat(Lsn.valueOf("9/0")).isLessThan(Lsn.valueOf("10/0"));
        assertThat(Lsn.valueOf("0/FFFFFFFF")).isLessThan(Lsn.valueOf("1/0"));
        assertThat(Lsn.valueOf("1/5").isAtOrBefore(Lsn.valueOf("1/5"))).isTrue();
        assertThat(Lsn.valueOf("1/6").isAtOrBefore(Lsn.valueOf("1/5"))).isFalse();
    }

    @Test
    void comparesTheUpperHalfOfTheRangeAsUnsigned() {
        assertThat(Lsn.valueOf("80000000/0").asLong()).isNegative();
        assertThat(Lsn.valueOf("7FFFFFFF/FFFFFFFF")).isLessThan(Lsn.valueOf("80000000/0"));
        assertThat(Lsn.INVALID).isLessThan(Lsn.valueOf("0/1"));
    }

    @Test
    void invalidIsTheZeroPosition() {
        assertThat(Lsn.INVALID.isValid()).isFalse();
        assertThat(Lsn.valueOf(0L)).isSameAs(Lsn.INVALID);
        assertThat(Lsn.valueOf("0/1").isValid()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "16",
                "16/",
                "/B3",
                "1/2/3",
                "G/0",
                "0/-1",
                "123456789/0",
                "0/123456789",
                " 0/1",
                "0x1/0"
            })
    void rejectsWhatIsNotAnLsn(String text) {
        assertThatThrownBy(() -> Lsn.valueOf(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an LSN");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Lsn.valueOf((String) null)).isInstanceOf(IllegalArgumentException.class);
    }
}
