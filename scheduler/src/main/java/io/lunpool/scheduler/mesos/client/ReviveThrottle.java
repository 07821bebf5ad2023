package io.lunpool.scheduler.mesos.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Rate-limits REVIVE: at most one per {@code minInterval}. A revive asked for sooner is deferred to the end of the
 * interval, and all the revives asked for meanwhile share that one call.
 */
final class ReviveThrottle {
    /** What to do with a revive asked for now: send it, schedule one at a time, or nothing (one is scheduled). */
    sealed interface Decision {
        record SendNow() implements Decision {
        }

        record SendAt(Instant when) implements Decision {
        }

        record AlreadyScheduled(Instant when) implements Decision {
        }
    }

    private final Duration minInterval;
    private Instant lastSent;
    private Instant scheduled;

    ReviveThrottle(Duration minInterval) {
        this.minInterval = minInterval;
    }

    synchronized Decision request(Instant now) {
        if (scheduled != null) {
            return new Decision.AlreadyScheduled(scheduled);
        }
        if (lastSent == null || !now.isBefore(lastSent.plus(minInterval))) {
            lastSent = now;
            return new Decision.SendNow();
        }
        scheduled = lastSent.plus(minInterval);
        return new Decision.SendAt(scheduled);
    }

    /** The scheduled revive goes out now. */
    synchronized void sent(Instant now) {
        scheduled = null;
        lastSent = now;
    }

    synchronized Optional<Instant> scheduled() {
        return Optional.ofNullable(scheduled);
    }
}
