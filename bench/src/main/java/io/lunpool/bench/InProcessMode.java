package io.lunpool.bench;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.scheduler.batch.BatchPlanner;
import io.lunpool.scheduler.batch.Batcher;
import io.lunpool.scheduler.batch.BatcherSettings;
import io.lunpool.scheduler.batch.Inventory;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.CreateMode;

/**
 * One round of the in-process modes: the leader's {@link Batcher} on a real ZooKeeper, fenced like a leader
 * (by an ephemeral node), many callers in flight. Under a fresh root it seeds a pool of N FREE LUNs (not
 * timed), then creates N volumes and deletes each as soon as its create answered; afterwards it removes
 * the round's nodes so the tree does not grow from round to round.
 */
final class InProcessMode {
    static final String POOL = "bench";
    private static final Duration MAX_WAIT = Duration.ofMillis(1);
    private static final int MAX_BYTES = 256 * 1024;
    private static final long ROUND_TIMEOUT_S = 600;

    private final CuratorFramework client;
    private final int inFlight;

    InProcessMode(CuratorFramework client, int inFlight) {
        this.client = client;
        this.inFlight = inFlight;
    }

    static String name(int maxBatch) {
        return maxBatch == 1 ? "in-process unbatched (max batch 1)" : "in-process batched (max batch " + maxBatch + ")";
    }

    RoundResult run(int maxBatch, int volumes, int round) throws Exception {
        ZkPaths paths = new ZkPaths("/bench/r" + round + "-b" + maxBatch);
        ZkStateStore store = ZkStateStore.create(client, paths);
        String fence = client.create().withMode(CreateMode.EPHEMERAL).forPath(paths.root() + "/fence");
        Inventory inventory = new Inventory();
        try {
            seed(store, inventory, fence, volumes);
            Batcher batcher = batcher(store, inventory, fence, maxBatch);
            try {
                return drive(batcher, name(maxBatch), volumes, round);
            } finally {
                batcher.close();
            }
        } finally {
            cleanUp(store, inventory, fence, volumes, paths);
            store.close();
        }
    }

    private RoundResult drive(Batcher batcher, String mode, int volumes, int round) throws InterruptedException {
        Latencies latencies = new Latencies(2 * volumes);
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(volumes);
        AtomicInteger failures = new AtomicInteger();
        long before = batcher.transactions();
        long start = System.nanoTime();
        for (int i = 0; i < volumes; i++) {
            if (!permits.tryAcquire(ROUND_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no create answered within " + ROUND_TIMEOUT_S + " s");
            }
            int index = i;
            String name = "v" + i;
            long created = System.nanoTime();
            batcher.submit(new Request.CreateVolume(name, POOL, 0, Map.of(), null, null)).whenComplete((o, e) -> {
                long deleted = System.nanoTime();
                latencies.record(index, deleted - created);
                if (e != null) {
                    failures.incrementAndGet();
                }
                batcher.submit(new Request.DeleteVolume(name)).whenComplete((o2, e2) -> {
                    latencies.record(volumes + index, System.nanoTime() - deleted);
                    if (e2 != null) {
                        failures.incrementAndGet();
                    }
                    permits.release();
                    done.countDown();
                });
            });
        }
        if (!done.await(ROUND_TIMEOUT_S, TimeUnit.SECONDS)) {
            throw new IllegalStateException("round did not finish within " + ROUND_TIMEOUT_S + " s");
        }
        long nanos = System.nanoTime() - start;
        return RoundResult.of(mode, round, 2 * volumes, nanos, latencies, batcher.transactions() - before,
                failures.get());
    }

    private static Batcher batcher(ZkStateStore store, Inventory inventory, String fence, int maxBatch) {
        return new Batcher(store, null, new BatchPlanner(Clock.systemUTC()),
                new BatcherSettings(maxBatch, MAX_WAIT, MAX_BYTES), inventory, fence, null,
                new MetricRegistry());
    }

    /** A FREE LUN record; {@code number} makes the wwn, which is unique across pools. */
    static Lun freeLun(String pool, int number) {
        return new Lun(String.format("naa.6%031d", number), pool, LunState.FREE, null, "/nonexistent/" + pool + "/" + number,
                16L << 20, null);
    }

    static PoolPolicy tinyPool(int luns) {
        return new PoolPolicy(16L << 20, 0, luns, FsType.EXT4, List.of(), 0);
    }

    /** Writes the pool and its FREE LUN records through a batcher (the way the maintainer records LUNs). */
    static void seed(ZkStateStore store, Inventory inventory, String fence, String pool, int first, int luns) {
        Batcher seeder = batcher(store, inventory, fence, 500);
        try {
            await(List.of(seeder.submit(new Request.PutPool(pool, tinyPool(luns)))));
            List<CompletableFuture<Outcome>> adds = new ArrayList<>(luns);
            for (int i = 0; i < luns; i++) {
                adds.add(seeder.submit(new Request.AddLun(freeLun(pool, first + i))));
            }
            await(adds);
        } finally {
            seeder.close();
        }
    }

    private static void seed(ZkStateStore store, Inventory inventory, String fence, int luns) {
        seed(store, inventory, fence, POOL, 0, luns);
    }

    /** The round's LUNs are WIPING now: forget them through a batcher, then drop the (small) rest of the tree. */
    private void cleanUp(ZkStateStore store, Inventory inventory, String fence, int luns, ZkPaths paths)
            throws Exception {
        Batcher cleaner = batcher(store, inventory, fence, 500);
        try {
            List<CompletableFuture<Outcome>> removes = new ArrayList<>(luns);
            for (int i = 0; i < luns; i++) {
                String wwn = freeLun(POOL, i).wwn();
                inventory.lun(wwn).ifPresent(l -> removes.add(cleaner.submit(
                        new Request.RemoveLun(wwn, l.value().state()))));
            }
            removes.forEach(f -> f.exceptionally(e -> null).join());
        } finally {
            cleaner.close();
        }
        client.delete().deletingChildrenIfNeeded().forPath(paths.root());
    }

    private static void await(List<CompletableFuture<Outcome>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(ROUND_TIMEOUT_S, TimeUnit.SECONDS)
                .join();
    }
}
