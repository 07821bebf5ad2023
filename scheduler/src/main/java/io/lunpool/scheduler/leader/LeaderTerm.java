package io.lunpool.scheduler.leader;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.BatchPlanner;
import io.lunpool.scheduler.batch.Batcher;
import io.lunpool.scheduler.batch.BatcherSettings;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.pool.PoolMaintainer;
import io.lunpool.scheduler.store.StateStore;
import java.time.Clock;

/**
 * What runs while this instance leads: the inventory loaded at the start of the term, the batcher
 * (fenced by the term's election node) and the pool maintainer. A new term starts from a fresh load.
 */
public final class LeaderTerm implements AutoCloseable {
    private final Inventory inventory;
    private final Batcher batcher;
    private final PoolMaintainer maintainer;

    public LeaderTerm(StateStore store, StorageArray array, LunChores chores, BatcherSettings settings,
               int parallelChores, String fenceToken, Clock clock, MetricRegistry metrics) {
        this.inventory = Inventory.load(store);
        PoolMaintainer[] holder = new PoolMaintainer[1];
        this.batcher = new Batcher(store, array, new BatchPlanner(clock), settings, inventory, fenceToken,
                array == null ? null : new io.lunpool.scheduler.batch.SlowPath() {
                    @Override
                    public java.util.concurrent.CompletableFuture<String> provision(String pool) {
                        return holder[0].provision(pool);
                    }

                    @Override
                    public void release(String wwn) {
                        holder[0].release(wwn);
                    }
                }, metrics);
        this.maintainer = array == null ? null
                : new PoolMaintainer(inventory, array, chores, batcher::submit, parallelChores, metrics);
        holder[0] = maintainer;
    }

    public Inventory inventory() {
        return inventory;
    }

    public Batcher batcher() {
        return batcher;
    }

    /** Null when this control plane has no array (it then neither refills pools nor provisions on demand). */
    public PoolMaintainer maintainer() {
        return maintainer;
    }

    @Override
    public void close() {
        batcher.close();
        if (maintainer != null) {
            maintainer.close();
        }
    }
}
