package io.lunpool.scheduler.leader;

import io.lunpool.scheduler.batch.Batcher;
import io.lunpool.scheduler.pool.PoolMaintainer;
import io.lunpool.scheduler.state.Inventory;

/**
 * What runs while this instance leads: the inventory loaded at the start of the term, the batcher
 * (fenced by the term's election node) and the pool maintainer. {@link TermStarter} builds it; a new
 * term starts from a fresh load.
 */
public final class LeaderTerm implements AutoCloseable {
    private final Inventory inventory;
    private final Batcher batcher;
    private final PoolMaintainer maintainer;

    LeaderTerm(Inventory inventory, Batcher batcher, PoolMaintainer maintainer) {
        this.inventory = inventory;
        this.batcher = batcher;
        this.maintainer = maintainer;
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
