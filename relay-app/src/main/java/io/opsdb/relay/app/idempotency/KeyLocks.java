package io.opsdb.relay.app.idempotency;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lock per key in use, so two requests with the same key are served one after the other (the second then
 * finds the first's answer), while requests with other keys go on. A lock lives only while someone holds or waits
 * for it.
 */
final class KeyLocks {

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        // Not a ReentrantLock: a lock is not re-entered, and it may be released by another thread than took it.
        final Semaphore lock = new Semaphore(1);
        int users;
    }

    private final Map<String, Entry> locks = new ConcurrentHashMap<>();

    /** The lock of {@code key}, waiting at most {@code timeout}; empty when another request held it all along. */
    Optional<Held> lock(String key, Duration timeout) throws InterruptedException {
        Entry entry = locks.compute(key, (k, existing) -> {
            Entry e = existing == null ? new Entry() : existing;
            e.users++;
            return e;
        });
        boolean locked = false;
        try {
            locked = entry.lock.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            if (!locked) {
                release(key);
            }
        }
        if (!locked) {
            return Optional.empty();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(() -> {
            if (open.getAndSet(false)) {
                entry.lock.release();
                release(key);
            }
        });
    }

    private void release(String key) {
        locks.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
    }

    /** Keys with a lock now (for tests). */
    int size() {
        return locks.size();
    }
}
