package io.lunpool.scheduler.batch;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batcher's gauges (queue depth, age of the oldest request, transactions committed), batch sizes, and
 * the counters of transactions whose answer was lost: how many, how many of those Curator re-sent (the
 * marker refused the copy), the probes sent for them, and how many turned out applied or not applied.
 */
final class BatchMetrics implements AutoCloseable {
    private static final List<String> GAUGES = List.of("lunpool.batch.queue-depth", "lunpool.batch.oldest-age-ms",
            "lunpool.batch.transactions");

    private final MetricRegistry registry;
    private final AtomicLong transactions = new AtomicLong();
    private final Histogram batchSizes;
    private final Counter unknownOutcomes;
    private final Counter resent;
    private final Counter probes;
    private final Counter resolvedApplied;
    private final Counter resolvedNotApplied;

    BatchMetrics(MetricRegistry registry, BatchQueue queue) {
        this.registry = registry;
        this.batchSizes = registry.histogram("lunpool.batch.size",
                () -> new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
        this.unknownOutcomes = registry.counter("lunpool.batch.unknown-outcomes");
        this.resent = registry.counter("lunpool.batch.resent-transactions");
        this.probes = registry.counter("lunpool.batch.probes");
        this.resolvedApplied = registry.counter("lunpool.batch.resolved-applied");
        this.resolvedNotApplied = registry.counter("lunpool.batch.resolved-not-applied");
        GAUGES.forEach(registry::remove); // a gauge of an earlier term would read that term's closed queue
        registry.gauge("lunpool.batch.queue-depth", () -> queue::depth);
        registry.gauge("lunpool.batch.oldest-age-ms", () -> queue::oldestAgeMillis);
        registry.gauge("lunpool.batch.transactions", () -> transactions::get);
    }

    void committed(int batchSize) {
        transactions.incrementAndGet();
        batchSizes.update(batchSize);
    }

    /** A transaction's answer was lost; {@code resent}: Curator sent it again and the marker refused it. */
    void unknownOutcome(boolean resent) {
        unknownOutcomes.inc();
        if (resent) {
            this.resent.inc();
        }
    }

    void probe() {
        probes.inc();
    }

    void resolved(boolean applied) {
        (applied ? resolvedApplied : resolvedNotApplied).inc();
    }

    long transactions() {
        return transactions.get();
    }

    /** Removes the gauges; the histogram stays and the next term's batcher goes on filling it. */
    @Override
    public void close() {
        GAUGES.forEach(registry::remove);
    }
}
