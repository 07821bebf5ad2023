package io.lunpool.scheduler.mesos.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides when a subscription is dead although its socket is open: no event of any kind for more than
 * {@value #MISSES} times the heartbeat interval the master announced in SUBSCRIBED. Before SUBSCRIBED, or with a
 * master that announces no interval, it never expires. Any event counts, not only HEARTBEAT.
 */
final class HeartbeatWatchdog {
    static final int MISSES = 5;

    private final Clock clock;
    private volatile Instant lastEvent;
    private volatile Duration interval;

    HeartbeatWatchdog(Clock clock) {
        this.clock = clock;
        this.lastEvent = clock.instant();
    }

    void eventArrived() {
        lastEvent = clock.instant();
    }

    void interval(Duration announced) {
        interval = announced;
    }

    /** The silence that ends the subscription, once an interval is known. */
    Optional<Duration> deadline() {
        Duration i = interval;
        return i == null || i.isZero() || i.isNegative() ? Optional.empty() : Optional.of(i.multipliedBy(MISSES));
    }

    /** How long the stream has been silent, when that is longer than the deadline. */
    Optional<Duration> expired() {
        Optional<Duration> deadline = deadline();
        if (deadline.isEmpty()) {
            return Optional.empty();
        }
        Duration silent = Duration.between(lastEvent, clock.instant());
        return silent.compareTo(deadline.get()) > 0 ? Optional.of(silent) : Optional.empty();
    }
}
