package io.lunpool.scheduler.pool;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.batch.SlowPath;
import io.lunpool.scheduler.store.Versioned;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader only: keeps every pool between minFree and maxFree FREE LUNs. A new LUN is provisioned on the
 * array, recorded PREPARING, given its filesystem and only then made FREE; a returned (WIPING) LUN is
 * zeroed, verified and re-made before it is FREE again; a LUN whose chore fails becomes FAILED and is
 * never reused. Also the {@link SlowPath} for creates that find a pool empty. All state changes go
 * through the batcher, so they are fenced and versioned like every other write.
 */
public final class PoolMaintainer implements SlowPath, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolMaintainer.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Inventory inventory;
    private final StorageArray array;
    private final LunChores chores;
    private final Function<Request, CompletableFuture<Outcome>> submit;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Counter slowPathProvisions;
    private final Counter choreFailures;

    public PoolMaintainer(Inventory inventory, StorageArray array, LunChores chores,
                          Function<Request, CompletableFuture<Outcome>> submit, int parallelChores,
                          MetricRegistry metrics) {
        this.inventory = inventory;
        this.array = array;
        this.chores = chores;
        this.submit = submit;
        this.workers = Executors.newFixedThreadPool(parallelChores, r -> daemon(r, "lunpool-chores"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lunpool-maintainer"));
        this.slowPathProvisions = metrics.counter("lunpool.pool.slow-path-provisions");
        this.choreFailures = metrics.counter("lunpool.pool.chore-failures");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Runs {@link #runOnce()} now and then every {@code intervalMillis}. */
    public void start(long intervalMillis) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                runOnce();
            } catch (RuntimeException e) {
                LOG.warn("maintainer pass failed", e);
            }
        }, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * One pass over every pool: orders provisions, retirements, wipes and prepares, and returns a future
     * that completes when all chores this pass started have finished (tests await it).
     */
    public CompletableFuture<Void> runOnce() {
        List<CompletableFuture<?>> started = new ArrayList<>();
        for (String pool : inventory.poolNames()) {
            PoolPolicy policy = inventory.pool(pool).map(Versioned::value).orElse(null);
            if (policy == null) {
                continue;
            }
            PoolPlanner.Actions actions = PoolPlanner.plan(policy, inventory.counts(pool),
                    inventory.provisioning(pool).get());
            for (int i = 0; i < actions.provision(); i++) {
                started.add(provisionAndPrepare(pool, policy, false));
            }
            inventory.luns().stream().filter(l -> l.value().pool().equals(pool)
                            && l.value().state() == LunState.FREE && !busy.contains(l.key()))
                    .limit(actions.retire()).forEach(l -> started.add(retire(l.value())));
        }
        for (Versioned<Lun> l : inventory.luns()) {
            Lun lun = l.value();
            if (lun.state() == LunState.WIPING && busy.add(lun.wwn())) {
                started.add(chore(lun, true));
            } else if (lun.state() == LunState.PREPARING && busy.add(lun.wwn())) {
                started.add(chore(lun, false));
            }
        }
        return CompletableFuture.allOf(started.stream().map(f -> f.exceptionally(e -> null))
                .toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<String> provision(String pool) {
        PoolPolicy policy = inventory.pool(pool).map(Versioned::value).orElse(null);
        if (policy == null) {
            return CompletableFuture.failedFuture(LunpoolException.notFound("pool '" + pool + "' does not exist"));
        }
        slowPathProvisions.inc();
        return provisionAndPrepare(pool, policy, true);
    }

    @Override
    public void release(String wwn) {
        busy.remove(wwn);
    }

    /** Carves a LUN, records it PREPARING, makes its filesystem; FREE unless it is reserved for a create. */
    private CompletableFuture<String> provisionAndPrepare(String pool, PoolPolicy policy, boolean reserve) {
        inventory.provisioning(pool).incrementAndGet();
        String name = pool + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(5));
        return CompletableFuture.supplyAsync(() -> array.provision(name, policy.lunSizeBytes()), workers)
                .thenCompose(a -> {
                    Lun lun = new Lun(a.wwn(), pool, LunState.PREPARING, null, a.backing(), a.sizeBytes(), null);
                    busy.add(lun.wwn());
                    return submit.apply(new Request.AddLun(lun)).thenApply(o -> lun);
                })
                .whenComplete((lun, e) -> inventory.provisioning(pool).decrementAndGet())
                .thenComposeAsync(lun -> runChore(lun, false, !reserve), workers)
                .thenApply(Lun::wwn);
    }

    private CompletableFuture<Lun> chore(Lun lun, boolean wipeFirst) {
        return CompletableFuture.supplyAsync(() -> runChore(lun, wipeFirst, true), workers).thenCompose(f -> f);
    }

    /** Wipes (when asked) and prepares the LUN, then moves it to FREE (or leaves it PREPARING, reserved). */
    private CompletableFuture<Lun> runChore(Lun lun, boolean wipeFirst, boolean makeFree) {
        PoolPolicy policy = inventory.pool(lun.pool()).map(Versioned::value).orElse(null);
        try {
            if (policy == null) {
                throw LunpoolException.notFound("pool '" + lun.pool() + "' of LUN " + lun.wwn() + " is gone");
            }
            if (wipeFirst) {
                chores.wipe(lun.target());
            }
            chores.prepare(lun.target(), policy.fsType(), policy.mkfsOptions());
        } catch (RuntimeException e) {
            choreFailures.inc();
            LOG.error("{} of LUN {} in pool {} failed; marking it FAILED", wipeFirst ? "wipe" : "prepare",
                    lun.wwn(), lun.pool(), e);
            RuntimeException failure = e instanceof LunpoolException ? e
                    : new LunpoolException(Reason.HOST_ERROR, "chore on LUN " + lun.wwn() + " failed: " + e, e);
            // answer only once the LUN is recorded FAILED, so nobody sees it in its old state afterwards
            return submit.apply(new Request.MoveLun(lun.wwn(), lun.state(), lun.failed(String.valueOf(e.getMessage()))))
                    .handle((o, err) -> {
                        busy.remove(lun.wwn());
                        throw failure;
                    });
        }
        if (!makeFree) {
            return CompletableFuture.completedFuture(lun);
        }
        return submit.apply(new Request.MoveLun(lun.wwn(), lun.state(), lun.withState(LunState.FREE, null)))
                .whenComplete((o, e) -> busy.remove(lun.wwn()))
                .thenApply(o -> lun);
    }

    private CompletableFuture<Void> retire(Lun lun) {
        busy.add(lun.wwn());
        return submit.apply(new Request.RemoveLun(lun.wwn(), LunState.FREE))
                .thenAcceptAsync(o -> array.delete(lun.wwn()), workers)
                .whenComplete((o, e) -> busy.remove(lun.wwn()));
    }

    /**
     * Adopts LUNs the array holds but the state does not know (a leader died between carving and
     * recording): they are recorded PREPARING in the pool their name starts with, and prepared again.
     */
    public CompletableFuture<Void> reconcileArray() {
        List<CompletableFuture<?>> adds = new ArrayList<>();
        for (StorageArray.ArrayLun a : array.list()) {
            if (inventory.lun(a.wwn()).isPresent()) {
                continue;
            }
            int dash = a.name().lastIndexOf('-');
            String pool = dash > 0 ? a.name().substring(0, dash) : "";
            if (inventory.pool(pool).isEmpty()) {
                LOG.warn("array LUN {} ({}) belongs to no known pool; leaving it alone", a.name(), a.wwn());
                continue;
            }
            LOG.info("adopting array LUN {} ({}) into pool {}", a.name(), a.wwn(), pool);
            adds.add(submit.apply(new Request.AddLun(new Lun(a.wwn(), pool, LunState.PREPARING, null, a.backing(),
                    a.sizeBytes(), null))));
        }
        return CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new));
    }

    /**
     * Stops ordering new work and lets running chores finish (a chore interrupted half-way would leave its
     * LUN attached on this host); their state changes then fail with the ended term and the next leader
     * picks the LUNs up again (PREPARING and WIPING are re-run).
     */
    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(2, TimeUnit.MINUTES)) {
                LOG.warn("chores still running after 2 minutes; interrupting them");
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
