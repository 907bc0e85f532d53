package io.opsdb.relay.app.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyLocksTest {

    private final KeyLocks locks = new KeyLocks();

    @Test
    void aSecondRequestWithTheSameKeyWaitsForTheFirst() throws Exception {
        Optional<KeyLocks.Held> first = locks.lock("k", Duration.ofSeconds(1));
        assertThat(first).isPresent();

        CompletableFuture<Optional<KeyLocks.Held>> second =
                CompletableFuture.supplyAsync(() -> lockQuietly("k", Duration.ofSeconds(30)));
        assertThat(locks.lock("k", Duration.ofMillis(50)))
                .as("held by the first, even for its own thread")
                .isEmpty();
        assertThat(second).isNotDone();

        first.get().close();
        Optional<KeyLocks.Held> after = second.get(30, TimeUnit.SECONDS);
        assertThat(after).isPresent();
        after.get().close();
        assertThat(locks.size()).as("no lock left behind").isZero();
    }

    @Test
    void otherKeysDoNotWait() throws Exception {
        try (KeyLocks.Held a = locks.lock("a", Duration.ofSeconds(1)).orElseThrow();
                KeyLocks.Held b = CompletableFuture.supplyAsync(() -> lockQuietly("b", Duration.ofMillis(100)))
                        .get()
                        .orElseThrow()) {
            assertThat(locks.size()).isEqualTo(2);
        }
        assertThat(locks.size()).isZero();
    }

    private Optional<KeyLocks.Held> lockQuietly(String key, Duration timeout) {
        try {
            return locks.lock(key, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
