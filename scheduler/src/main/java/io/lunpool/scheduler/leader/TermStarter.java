package io.lunpool.scheduler.leader;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.BatchPlanner;
import io.lunpool.scheduler.batch.Batcher;
import io.lunpool.scheduler.batch.BatcherSettings;
import io.lunpool.scheduler.batch.TermFence;
import io.lunpool.scheduler.pool.PoolMaintainer;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.StateStore;
import java.time.Clock;
import java.time.Duration;

/**
 * Starts a leader term: opens the term's marker, loads the inventory, builds the batcher fenced by the
 * term's election node and marker and, when there is an array, the pool maintainer that also serves as
 * the batcher's slow path; then adopts LUNs the array holds but the state does not, and schedules the
 * maintainer (a zero interval leaves it to {@link PoolMaintainer#runOnce()} callers).
 */
public final class TermStarter implements Leadership.TermFactory {
    private final StateStore store;
    private final StorageArray array;
    private final LunChores chores;
    private final BatcherSettings batcherSettings;
    private final int parallelChores;
    private final Duration maintainerInterval;
    private final Clock clock;
    private final MetricRegistry metrics;

    /** A null {@code array} makes terms without a maintainer: no refills and no provisioning on demand. */
    public TermStarter(StateStore store, StorageArray array, LunChores chores, BatcherSettings batcherSettings,
                       int parallelChores, Duration maintainerInterval, Clock clock, MetricRegistry metrics) {
        this.store = store;
        this.array = array;
        this.chores = chores;
        this.batcherSettings = batcherSettings;
        this.parallelChores = parallelChores;
        this.maintainerInterval = maintainerInterval;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Opens the term's marker, loads the inventory and builds the term. A step that fails closes what the steps
     * before it started (the batcher's thread, the maintainer's pools) before the failure goes up.
     */
    @Override
    public LeaderTerm start(String fenceToken, Runnable deposed) {
        int marker = store.openTerm(fenceToken);
        Inventory inventory = Inventory.load(store);
        BatchPlanner planner = new BatchPlanner(clock);
        TermFence fence = new TermFence(fenceToken, marker, deposed);
        if (array == null) {
            return new LeaderTerm(inventory, new Batcher(store, null, planner, batcherSettings, inventory, fence,
                    null, metrics), null);
        }
        SlowPathRelay slowPath = new SlowPathRelay();
        Batcher batcher = new Batcher(store, array, planner, batcherSettings, inventory, fence, slowPath, metrics);
        PoolMaintainer maintainer = null;
        try {
            maintainer = new PoolMaintainer(inventory, array, chores, batcher::submit, parallelChores, fenceToken,
                    clock, metrics);
            slowPath.relayTo(maintainer);
            maintainer.reconcileArray();
            if (!maintainerInterval.isZero()) {
                maintainer.start(maintainerInterval.toMillis());
            }
            return new LeaderTerm(inventory, batcher, maintainer);
        } catch (RuntimeException e) {
            if (maintainer != null) {
                maintainer.close();
            }
            batcher.close();
            throw e;
        }
    }
}
