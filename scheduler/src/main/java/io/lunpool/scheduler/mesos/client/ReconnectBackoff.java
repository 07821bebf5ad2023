package io.lunpool.scheduler.mesos.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: the n-th retry (from 0) waits {@code min × 2^n}, capped at {@code max},
 * then scaled by a random factor in [0.5, 1) so that many schedulers cut off together do not come back in step.
 */
final class ReconnectBackoff {
    private final Duration min;
    private final Duration max;
    private final DoubleSupplier random;

    ReconnectBackoff(Duration min, Duration max, DoubleSupplier random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < min <= max: " + min + ", " + max);
        }
        this.min = min;
        this.max = max;
        this.random = random;
    }

    Duration delay(int attempt) {
        long cappedNanos = max.toNanos();
        long nanos = min.toNanos();
        for (int i = 0; i < attempt && nanos < cappedNanos; i++) {
            nanos *= 2;
        }
        nanos = Math.min(nanos, cappedNanos);
        double factor = 0.5 + 0.5 * Math.min(Math.max(random.getAsDouble(), 0.0), 0.999_999);
        return Duration.ofNanos((long) (nanos * factor));
    }
}
