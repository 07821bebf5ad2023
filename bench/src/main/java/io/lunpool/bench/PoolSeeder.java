package io.lunpool.bench;

import io.lunpool.core.api.PoolView;
import io.lunpool.scheduler.ControlPlaneFixture;
import io.lunpool.scheduler.store.ZkPaths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fills pools with FREE LUN records and empties them again, untimed, through a control plane of its own: the default
 * batcher and the pool maintainer on {@link RecordOnlyLuns}. It leads on the given ZooKeeper root while it works,
 * so nothing else may lead there meanwhile; the next instance on that root loads what it recorded.
 */
final class PoolSeeder {
    static final String LUN_SIZE = "16M";
    private static final String SELF = "http://127.0.0.1:1";
    private static final Duration LEAD = Duration.ofSeconds(60);
    private static final long PASS_TIMEOUT_S = 600;

    private PoolSeeder() {
    }

    /** Records each pool ({@code name -> LUNs}) and that many FREE LUNs in it. */
    static void fill(String connect, ZkPaths paths, Map<String, Integer> pools) throws Exception {
        try (ControlPlaneFixture keeper = keeper(connect, paths)) {
            pools.forEach((pool, luns) -> keeper.pool(pool, LUN_SIZE, luns, luns, "ext4", 0));
            keeper.controlPlane.runMaintainer().get(PASS_TIMEOUT_S, TimeUnit.SECONDS);
            for (Map.Entry<String, Integer> p : pools.entrySet()) {
                PoolView.Counts counts = keeper.controlPlane.pool(p.getKey()).counts();
                if (counts.free() != p.getValue()) {
                    throw new IllegalStateException("pool " + p.getKey() + " holds " + counts + " after seeding "
                            + p.getValue() + " FREE LUNs");
                }
            }
        }
    }

    /**
     * Forgets every LUN of the pool: one maintainer pass makes the returned (WIPING) LUNs FREE again, the next
     * retires every FREE one (the pool now keeps none).
     */
    static void empty(String connect, ZkPaths paths, String pool) throws Exception {
        try (ControlPlaneFixture keeper = keeper(connect, paths)) {
            keeper.pool(pool, LUN_SIZE, 0, 0, "ext4", 0);
            keeper.controlPlane.runMaintainer().get(PASS_TIMEOUT_S, TimeUnit.SECONDS);
            keeper.controlPlane.runMaintainer().get(PASS_TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    private static ControlPlaneFixture keeper(String connect, ZkPaths paths) throws Exception {
        RecordOnlyLuns luns = new RecordOnlyLuns();
        ControlPlaneFixture keeper = new ControlPlaneFixture(connect, paths, SELF, luns, luns,
                ControlPlaneFixture.manualSettings());
        try {
            keeper.awaitLeader(LEAD);
            return keeper;
        } catch (InterruptedException | RuntimeException | AssertionError e) {
            keeper.close();
            throw e;
        }
    }
}
