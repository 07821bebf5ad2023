package io.lunpool.scheduler.leader;

import io.lunpool.scheduler.batch.SlowPath;
import java.util.concurrent.CompletableFuture;

/**
 * The batcher's slow path, handed to the batcher before the pool maintainer behind it exists: the
 * maintainer submits through the batcher, so the batcher is built first and the relay pointed at the
 * maintainer right after, before the term takes any request.
 */
final class SlowPathRelay implements SlowPath {
    private volatile SlowPath target;

    void relayTo(SlowPath target) {
        this.target = target;
    }

    @Override
    public CompletableFuture<String> provision(String pool) {
        return target.provision(pool);
    }

    @Override
    public void release(String wwn) {
        target.release(wwn);
    }
}
