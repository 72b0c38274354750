package io.loomchat.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition instead of for a time: a test that sleeps a guessed while either
 * wastes it or, on a busy machine, fails. Polls every {@link #POLL} until the condition holds,
 * and fails, saying what did not happen, once {@code limit} has passed.
 */
public final class Await {

    /** Short against the seconds the conditions take, long against one check's cost. */
    public static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

    public static void until(Duration limit, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + " did not happen within " + limit);
            }
            pause(POLL);
        }
    }

    /** A pause between two attempts of something that can only be tried, not watched. */
    public static void pause(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
