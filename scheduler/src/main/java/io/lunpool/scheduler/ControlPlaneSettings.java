package io.lunpool.scheduler;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.scheduler.batch.BatcherSettings;
import java.time.Duration;
import java.util.List;

/**
 * Tunables of one control-plane instance. A zero {@code maintainerInterval} runs the maintainer only on
 * demand (admin task, tests). {@code defaultPool} serves creates that name no pool;
 * {@code newPoolPolicy} fills the fields a {@code PUT /v1/pools/{pool}} leaves out for a new pool.
 */
public record ControlPlaneSettings(String defaultPool, BatcherSettings batcher, Duration requestTimeout,
                                   Duration maintainerInterval, int parallelChores, PoolPolicy newPoolPolicy) {
    public static final PoolPolicy NEW_POOL = new PoolPolicy(1L << 30, 2, 8, FsType.EXT4, List.of(), 0);

    public static ControlPlaneSettings defaults() {
        return new ControlPlaneSettings("default", BatcherSettings.DEFAULT, Duration.ofSeconds(60),
                Duration.ofSeconds(5), 2, NEW_POOL);
    }
}
