package io.lunpool.scheduler;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.lunpool.core.api.PoolView;
import io.lunpool.scheduler.leader.Leadership;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The control plane's metrics: a timer for each volume write (from submission until its answer) and
 * gauges for whether this instance leads and for the FREE and FAILED LUNs of each pool.
 */
final class ControlPlaneMetrics {
    final Timer create;
    final Timer delete;
    final Timer attach;
    final Timer detach;
    private final Supplier<List<PoolView>> pools;

    ControlPlaneMetrics(MetricRegistry registry, Leadership leadership, Supplier<List<PoolView>> pools) {
        this.pools = pools;
        this.create = registry.timer("lunpool.volumes.create");
        this.delete = registry.timer("lunpool.volumes.delete");
        this.attach = registry.timer("lunpool.volumes.attach");
        this.detach = registry.timer("lunpool.volumes.detach");
        registry.gauge("lunpool.leader", () -> () -> leadership.isLeader() ? 1 : 0);
        registry.gauge("lunpool.pools.free", () -> () -> counts(PoolView.Counts::free));
        registry.gauge("lunpool.pools.failed", () -> () -> counts(PoolView.Counts::failed));
    }

    private Map<String, Integer> counts(ToIntFunction<PoolView.Counts> which) {
        Map<String, Integer> out = new TreeMap<>();
        for (PoolView p : pools.get()) {
            out.put(p.name(), which.applyAsInt(p.counts()));
        }
        return out;
    }
}
