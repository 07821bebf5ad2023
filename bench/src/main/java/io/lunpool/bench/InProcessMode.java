package io.lunpool.bench;

import com.codahale.metrics.Gauge;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.scheduler.ControlPlane;
import io.lunpool.scheduler.ControlPlaneFixture;
import io.lunpool.scheduler.ControlPlaneSettings;
import io.lunpool.scheduler.batch.BatcherSettings;
import io.lunpool.scheduler.store.ZkPaths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;

/**
 * One round of the in-process modes: a {@link ControlPlane} on a real ZooKeeper, leading under a fresh root, driven
 * through its front with many callers in flight ({@link ControlPlane#createVolumeAsync} and
 * {@link ControlPlane#deleteVolumeAsync}: request validation, the leader's batcher, the returned futures). Batched
 * runs the default {@link BatcherSettings} (other max batch sizes when asked), unbatched the same with max batch 1.
 * {@link PoolSeeder} records a pool of N FREE LUNs first (not timed); then N volumes are created and each is deleted
 * as soon as its create answered; afterwards the round's LUNs are forgotten and its nodes removed, so the tree does
 * not grow from round to round. {@code client} (on {@code connect}) removes each round's nodes.
 */
record InProcessMode(String connect, CuratorFramework client, int inFlight) {
    static final String POOL = "bench";
    private static final String TRANSACTIONS = "lunpool.batch.transactions";
    private static final String SELF = "http://127.0.0.1:1";
    private static final Duration LEAD = Duration.ofSeconds(60);
    private static final long ROUND_TIMEOUT_S = 600;

    static String name(int maxBatch) {
        return maxBatch == 1 ? "in-process unbatched (max batch 1)" : "in-process batched (max batch " + maxBatch + ")";
    }

    /** The default settings with this max batch, the maintainer off. */
    static ControlPlaneSettings settings(int maxBatch) {
        BatcherSettings d = BatcherSettings.DEFAULT;
        return new ControlPlaneSettings(POOL, new BatcherSettings(maxBatch, d.maxWait(), d.maxBytes()),
                Duration.ofSeconds(ROUND_TIMEOUT_S), Duration.ZERO, 2, ControlPlaneSettings.NEW_POOL);
    }

    RoundResult run(int maxBatch, int volumes, int round) throws Exception {
        ZkPaths paths = new ZkPaths("/bench/r" + round + "-b" + maxBatch);
        try {
            PoolSeeder.fill(connect, paths, Map.of(POOL, volumes));
            try (ControlPlaneFixture cp = new ControlPlaneFixture(connect, paths, SELF, null, null,
                    settings(maxBatch))) {
                cp.awaitLeader(LEAD);
                return drive(cp, name(maxBatch), volumes, round);
            }
        } finally {
            PoolSeeder.empty(connect, paths, POOL);
            client.delete().deletingChildrenIfNeeded().forPath(paths.root());
        }
    }

    private RoundResult drive(ControlPlaneFixture cp, String mode, int volumes, int round)
            throws InterruptedException {
        ControlPlane front = cp.controlPlane;
        Gauge<?> transactions = cp.metrics.getGauges().get(TRANSACTIONS);
        Latencies latencies = new Latencies(2 * volumes);
        Semaphore permits = new Semaphore(inFlight);
        CountDownLatch done = new CountDownLatch(volumes);
        AtomicInteger failures = new AtomicInteger();
        long before = count(transactions);
        long start = System.nanoTime();
        for (int i = 0; i < volumes; i++) {
            if (!permits.tryAcquire(ROUND_TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no create answered within " + ROUND_TIMEOUT_S + " s");
            }
            int index = i;
            String name = "v" + i;
            long created = System.nanoTime();
            call(() -> front.createVolumeAsync(new CreateVolumeRequest(name, POOL, null, null, null)))
                    .whenComplete((c, e) -> {
                        long deleted = System.nanoTime();
                        latencies.record(index, deleted - created);
                        if (e != null) {
                            failures.incrementAndGet();
                        }
                        call(() -> front.deleteVolumeAsync(name)).whenComplete((v, e2) -> {
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
        return RoundResult.of(mode, round, 2 * volumes, nanos, latencies, count(transactions) - before,
                failures.get());
    }

    /** The call's future, or a failed one when the call threw (a refused request counts as a failed op). */
    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static long count(Gauge<?> gauge) {
        if (gauge == null || !(gauge.getValue() instanceof Number n)) {
            throw new IllegalStateException("the control plane has no " + TRANSACTIONS + " gauge");
        }
        return n.longValue();
    }
}
