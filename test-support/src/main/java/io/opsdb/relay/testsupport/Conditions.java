package io.opsdb.relay.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting on a condition with a timeout and a message, never on a fixed sleep. */
public final class Conditions {

    private Conditions() {}

    public static void waitFor(Callable<Boolean> condition, Duration timeout, String message) throws Exception {
        waitFor(condition, timeout, Duration.ofMillis(50), message);
    }

    /** The same, asking every {@code interval}: for conditions that are costly to ask and long to come. */
    public static void waitFor(Callable<Boolean> condition, Duration timeout, Duration interval, String message)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.onSpinWait();
            Thread.sleep(interval.toMillis()); // poll interval, not a wait for an outcome
        }
        throw new AssertionError(message + " (within " + timeout + ")" + (last == null ? "" : ": " + last), last);
    }
}
