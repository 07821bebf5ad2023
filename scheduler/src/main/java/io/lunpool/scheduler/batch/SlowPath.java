package io.lunpool.scheduler.batch;

import java.util.concurrent.CompletableFuture;

/**
 * Provisions one LUN on demand when a pool has no FREE LUN: carve it on the array, record it as
 * PREPARING, make its filesystem. The future yields its wwn; the create then claims exactly that LUN.
 */
public interface SlowPath {
    CompletableFuture<String> provision(String pool);

    /** The reserved LUN has been claimed (or the create gave up on it). */
    void release(String wwn);
}
