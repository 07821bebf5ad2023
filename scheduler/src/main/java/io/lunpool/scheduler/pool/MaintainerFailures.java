package io.lunpool.scheduler.pool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps failing in the maintainer, per pool and step, until it works again. Every failure is counted
 * ({@code lunpool.pool.maintainer-failures} and {@code lunpool.pool.maintainer-failures.<step>}); it is logged
 * once per cause (the pool, the step, the reason and the kind of error), not on every pass, and again when the
 * step works again. The {@code pools} health check shows the failures still standing.
 */
public final class MaintainerFailures {
    private static final Logger LOG = LoggerFactory.getLogger(MaintainerFailures.class);
    /** The pool of a failure that concerns the whole array, not one pool. */
    public static final String ARRAY = "*";

    /** What the maintainer was doing. */
    public enum Step {
        PROVISION, PREPARE, WIPE, RETIRE, RECONCILE, CLAIM, RECORD;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A failure still standing: since when, how often, the latest message. */
    public record Failure(String pool, Step step, String message, Instant since, long count) {
        public String describe() {
            return (pool.equals(ARRAY) ? "the array" : "pool " + pool) + ": " + step.id() + " failing since " + since
                    + " (" + count + " time" + (count == 1 ? "" : "s") + "): " + message;
        }
    }

    private record Key(String pool, Step step) {
    }

    private record Standing(Failure failure, String cause) {
    }

    private final Clock clock;
    private final Map<Key, Standing> standing = new ConcurrentHashMap<>();
    private final Counter total;
    private final Map<Step, Counter> perStep = new EnumMap<>(Step.class);

    MaintainerFailures(Clock clock, MetricRegistry metrics) {
        this.clock = clock;
        this.total = metrics.counter("lunpool.pool.maintainer-failures");
        for (Step step : Step.values()) {
            perStep.put(step, metrics.counter("lunpool.pool.maintainer-failures." + step.id()));
        }
    }

    /** Counts the failure; logs it when its cause is new for this pool and step. */
    void failed(String pool, Step step, Throwable error) {
        total.inc();
        perStep.get(step).inc();
        String message = String.valueOf(error);
        String cause = cause(error);
        Key key = new Key(pool, step);
        Standing before = standing.get(key);
        Instant since = before == null ? clock.instant() : before.failure().since();
        long count = before == null ? 1 : before.failure().count() + 1;
        standing.put(key, new Standing(new Failure(pool, step, message, since, count), cause));
        if (before == null || !before.cause().equals(cause)) {
            LOG.warn("maintainer: {} (logged once until it works again or fails otherwise)",
                    new Failure(pool, step, message, since, count).describe(), error);
        }
    }

    /** The step works again for the pool: the failure stops standing (and that is logged). */
    void succeeded(String pool, Step step) {
        Standing before = standing.remove(new Key(pool, step));
        if (before != null) {
            LOG.info("maintainer: {} {} works again after {} failure(s)",
                    pool.equals(ARRAY) ? "the array's" : "pool " + pool + ":", step.id(), before.failure().count());
        }
    }

    /** The failures still standing, by pool and step. */
    public List<Failure> standing() {
        return standing.values().stream().map(Standing::failure)
                .sorted(Comparator.comparing(Failure::pool).thenComparing(Failure::step)).toList();
    }

    /** The reason and the kind of error: a LUN name or a byte count in the message makes no new cause. */
    private static String cause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String reason = error instanceof LunpoolException le ? le.reason().name() : error.getClass().getName();
        return reason + "/" + root.getClass().getName();
    }
}
