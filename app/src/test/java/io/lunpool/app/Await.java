package io.lunpool.app;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a timeout (polling), instead of sleeping for a guessed time. */
final class Await {
    private Await() {
    }

    static void until(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what, last);
    }
}
