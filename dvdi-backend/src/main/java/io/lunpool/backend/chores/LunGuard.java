package io.lunpool.backend.chores;

import java.time.Duration;

/**
 * Keeps a chore off a LUN that this host uses: the plugin service runs the work under the LUN's lock, which a Mount
 * also takes before it records its volume, and refuses (IN_USE) while a volume of its mount table lives on the LUN.
 */
@FunctionalInterface
public interface LunGuard {
    /** Runs {@code work} while no volume of this host holds the LUN; waits at most {@code wait} for the LUN's lock. */
    void whileIdle(String wwn, Duration wait, Runnable work);
}
