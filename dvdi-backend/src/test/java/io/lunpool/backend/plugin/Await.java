package io.lunpool.backend.plugin;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition with a timeout (never for a fixed time). A condition that throws counts as not met yet;
 * the last such error becomes the cause of the timeout.
 */
public final class Await {
    private Await() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting until " + what, last);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }
}
