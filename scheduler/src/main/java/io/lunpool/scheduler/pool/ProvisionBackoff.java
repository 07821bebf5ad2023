package io.lunpool.scheduler.pool;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When a pool may try to carve LUNs again after carving failed (a full array, an array error): not before
 * {@link #FIRST} has passed, then twice as long after each further failure, up to {@link #MAX}; a success
 * resets it. Decides only: the maintainer asks it before each provision, with its clock's time.
 */
final class ProvisionBackoff {
    static final Duration FIRST = Duration.ofSeconds(10);
    static final Duration MAX = Duration.ofMinutes(5);

    private record Wait(Instant until, Duration delay) {
    }

    private final Map<String, Wait> waits = new ConcurrentHashMap<>();

    boolean mayProvision(String pool, Instant now) {
        Wait wait = waits.get(pool);
        return wait == null || !now.isBefore(wait.until());
    }

    /** The next try, while the pool waits. */
    Optional<Instant> retryAt(String pool) {
        return Optional.ofNullable(waits.get(pool)).map(Wait::until);
    }

    void failed(String pool, Instant now) {
        waits.compute(pool, (p, previous) -> {
            Duration delay = previous == null ? FIRST : min(previous.delay().multipliedBy(2), MAX);
            return new Wait(now.plus(delay), delay);
        });
    }

    void succeeded(String pool) {
        waits.remove(pool);
    }

    /** An operator's pass tries at once (the wait grows on from where it was if it fails again). */
    void tryNow(String pool, Instant now) {
        waits.computeIfPresent(pool, (p, wait) -> new Wait(now, wait.delay()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
