package io.opsdb.relay.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplicaLagTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger reads = new AtomicInteger();

    private ReplicaLag lag(Double... readings) {
        Iterator<Double> answers = Arrays.asList(readings).iterator();
        return new ReplicaLag(
                () -> {
                    reads.incrementAndGet();
                    return answers.hasNext() ? answers.next() : null;
                },
                nanos::get);
    }

    @Test
    void aReadingIsReusedForASecondThenReadAgain() {
        ReplicaLag lag = lag(1.5, 0.0);

        assertThat(lag.seconds()).isEqualTo(1.5);
        nanos.addAndGet(ReplicaLag.CACHE.toNanos() - 1);
        assertThat(lag.seconds()).isEqualTo(1.5);
        assertThat(reads).hasValue(1);

        nanos.addAndGet(1);

        assertThat(lag.seconds()).isZero();
        assertThat(reads).hasValue(2);
    }

    @Test
    void aReplicaThatCannotBeReadHasNoLagFigureAndIsAskedAgainAfterTheCache() {
        ReplicaLag lag = lag(new Double[] {null, 2.0});

        assertThat(lag.seconds()).isNull();
        nanos.addAndGet(ReplicaLag.CACHE.toNanos());
        assertThat(lag.seconds()).isEqualTo(2.0);
    }
}
