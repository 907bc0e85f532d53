package io.opsdb.relay.infra.process;

import io.opsdb.relay.infra.StackException;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a timeout passes. */
public final class Await {

    private static final Duration FIRST_POLL = Duration.ofMillis(50);
    private static final Duration MAX_POLL = Duration.ofMillis(500);

    private Await() {}

    /**
     * Waits until {@code condition} returns true. An exception from the condition counts as "not yet" and is
     * reported if time runs out, except a {@link StackException}, which means waiting is pointless (the process
     * died) and is thrown at once.
     *
     * @param what what is awaited, completing "... did not happen within N s", e.g. "kafka-cologne became ready"
     * @throws StackException on timeout
     */
    public static void until(Callable<Boolean> condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration poll = FIRST_POLL;
        Exception lastFailure = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(condition.call())) {
                    return;
                }
            } catch (StackException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StackException("interrupted while waiting until " + what, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                String cause = lastFailure == null ? "" : " (last error: " + oneLine(lastFailure) + ")";
                throw new StackException(
                        "timed out after " + timeout.toSeconds() + " s waiting until " + what + cause, lastFailure);
            }
            sleep(poll);
            poll = poll.multipliedBy(2).compareTo(MAX_POLL) > 0 ? MAX_POLL : poll.multipliedBy(2);
        }
    }

    /** Sleeps {@code wait}; an interrupt ends it with a {@link StackException}, the interrupt flag kept. */
    static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting", e);
        }
    }

    /** An exception as one line: its class and message, or its cause's when it only wraps one. */
    public static String oneLine(Throwable failure) {
        Throwable shown = failure;
        while (shown.getCause() != null
                && (shown.getMessage() == null
                        || shown.getMessage().equals(shown.getCause().toString()))) {
            shown = shown.getCause();
        }
        String message = shown.getMessage() == null
                ? shown.getClass().getSimpleName()
                : shown.getClass().getSimpleName() + ": " + shown.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
