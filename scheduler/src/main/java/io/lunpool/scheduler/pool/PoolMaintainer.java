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
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.batch.SlowPath;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Versioned;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 250 lines on purpose: the pass, the slow path, pausing and cancelling share the sets of LUNs in flight.
/**
 * Leader only: keeps every pool between minFree and maxFree FREE LUNs. A new LUN is carved on the array, recorded
 * PREPARING, given its filesystem and only then made FREE; a returned (WIPING) LUN is zeroed, verified and re-made
 * before it is FREE again; a LUN whose chore fails becomes FAILED and is never reused. Also the {@link SlowPath} for
 * creates that find a pool empty. All state changes go through the batcher, so they are fenced and versioned like
 * every other write.
 *
 * <p>Chores act outside ZooKeeper, so they are fenced too ({@link ClaimedChores}): each holds its LUN's claim at the
 * array and starts with a fenced write. Each pass first reconciles the array with the state: leftovers of cut-short
 * provisions are removed and LUNs the state does not know are adopted as WIPING ({@link AdoptionPlanner}). The
 * maintainer starts nothing while the ZooKeeper connection is suspended ({@link #pause()}), and when the term ends
 * its chores are cancelled and awaited ({@link #close()}). Failures are counted, logged once per cause and kept for
 * the health check ({@link MaintainerFailures}); a pool whose carving fails waits before it tries again
 * ({@link ProvisionBackoff}).
 */
public final class PoolMaintainer implements SlowPath, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolMaintainer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CANCEL_WAIT = Duration.ofMinutes(1);

    private final Inventory inventory;
    private final StorageArray array;
    private final Clock clock;
    private final ChoreWorkers workers;
    private final ClaimedChores chores;
    private final ScheduledExecutorService timer;
    private final MaintainerFailures failures;
    private final ProvisionBackoff backoff = new ProvisionBackoff();
    /** LUNs (by wwn) with a chore queued or running, or reserved for a create. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Array LUNs (by name and wwn) that a provision or retire of this term is carving or deleting. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> strangersSeen = ConcurrentHashMap.newKeySet();
    private final Object passLock = new Object();
    private final Counter slowPathProvisions;
    private final Counter adopted;
    private final Counter leftoversRemoved;
    private volatile boolean paused;
    private volatile boolean closed;

    /**
     * {@code owner} names this term at the array (the claims' owner; the election node's path); {@code clock} times
     * the provision back-off and the chores' start and end lines.
     */
    public PoolMaintainer(Inventory inventory, StorageArray array, LunChores chores,
                          Function<Request, CompletableFuture<Outcome>> submit, int parallelChores, String owner,
                          Clock clock, MetricRegistry metrics) {
        this.inventory = inventory;
        this.array = array;
        this.clock = clock;
        this.workers = new ChoreWorkers(parallelChores);
        this.failures = new MaintainerFailures(clock, metrics);
        this.chores = new ClaimedChores(inventory, array, chores, submit, workers, failures, busy, owner, clock,
                metrics);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lunpool-maintainer");
            t.setDaemon(true);
            return t;
        });
        this.slowPathProvisions = metrics.counter("lunpool.pool.slow-path-provisions");
        this.adopted = metrics.counter("lunpool.pool.luns-adopted");
        this.leftoversRemoved = metrics.counter("lunpool.pool.leftovers-removed");
    }

    /** Runs a pass now and then every {@code intervalMillis}; a pool whose carving failed waits its back-off. */
    public void start(long intervalMillis) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                pass(false);
            } catch (RuntimeException e) {
                LOG.warn("maintainer pass failed", e);
            }
        }, 0, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * One pass over every pool, as an operator asks for it (pools waiting after a failed carve try again at once):
     * reconciles the array, orders provisions, retirements, wipes and prepares, and returns a future that completes
     * when all chores this pass started have finished (tests await it).
     */
    public CompletableFuture<Void> runOnce() {
        return pass(true);
    }

    /** The ZooKeeper connection is suspended: start no chore until {@link #resume()} (running ones go on). */
    public void pause() {
        if (!paused) {
            paused = true;
            LOG.warn("ZooKeeper connection suspended; the maintainer starts no chore until it is back");
        }
    }

    public void resume() {
        if (paused) {
            paused = false;
            LOG.info("ZooKeeper connection back; the maintainer goes on");
        }
    }

    public boolean paused() {
        return paused;
    }

    /** What keeps failing, for the health check. */
    public MaintainerFailures failures() {
        return failures;
    }

    private CompletableFuture<Void> pass(boolean operator) {
        List<CompletableFuture<?>> started = new ArrayList<>();
        synchronized (passLock) {
            if (closed || paused) {
                LOG.debug("maintainer pass skipped: {}", closed ? "term ended" : "ZooKeeper connection suspended");
                return CompletableFuture.completedFuture(null);
            }
            reconcile();
            for (String pool : inventory.poolNames()) {
                PoolPolicy policy = inventory.pool(pool).map(Versioned::value).orElse(null);
                if (policy == null) {
                    continue;
                }
                if (operator) {
                    backoff.tryNow(pool, clock.instant());
                }
                PoolPlanner.Actions actions = PoolPlanner.plan(policy, inventory.counts(pool),
                        inventory.provisioning(pool).get());
                if (actions.provision() > 0 && backoff.mayProvision(pool, clock.instant())) {
                    for (int i = 0; i < actions.provision(); i++) {
                        started.add(provisionAndPrepare(pool, policy, false));
                    }
                }
                inventory.luns().stream().filter(l -> l.value().pool().equals(pool)
                                && l.value().state() == LunState.FREE && !busy.contains(l.key()))
                        .limit(actions.retire()).forEach(l -> {
                            busy.add(l.key());
                            started.add(workers.run(() -> chores.retire(l.key())));
                        });
            }
            for (Versioned<Lun> l : inventory.luns()) {
                LunState state = l.value().state();
                if ((state == LunState.WIPING || state == LunState.PREPARING) && busy.add(l.key())) {
                    started.add(workers.run(() -> chores.wipeOrPrepare(l.key(), state, this::paused)));
                }
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
        if (!backoff.mayProvision(pool, clock.instant())) {
            String why = failures.standing().stream()
                    .filter(f -> f.pool().equals(pool) && f.step() == MaintainerFailures.Step.PROVISION)
                    .findFirst().map(MaintainerFailures.Failure::message).orElse("carving failed");
            return CompletableFuture.failedFuture(new LunpoolException(Reason.EXHAUSTED, "pool '" + pool
                    + "' has no FREE LUN and cannot carve one now (" + why + "); it tries again after "
                    + backoff.retryAt(pool).map(Object::toString).orElse("a while")));
        }
        slowPathProvisions.inc();
        return provisionAndPrepare(pool, policy, true);
    }

    @Override
    public void release(String wwn) {
        busy.remove(wwn);
    }

    /** Carves a LUN and prepares it on a worker; FREE unless it is reserved for a create. */
    private CompletableFuture<String> provisionAndPrepare(String pool, PoolPolicy policy, boolean reserve) {
        String name = pool + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(5));
        inventory.provisioning(pool).incrementAndGet();
        inFlight.add(name);
        Runnable recorded = () -> {
            if (inFlight.remove(name)) {
                inventory.provisioning(pool).decrementAndGet();
            }
        };
        CompletableFuture<String> done = workers.run(() -> {
            if (paused || !backoff.mayProvision(pool, clock.instant())) {
                throw new LunpoolException(Reason.TRANSIENT, "pool '" + pool + "' carves no LUN now ("
                        + (paused ? "ZooKeeper connection suspended" : "waiting after a failed carve") + ")");
            }
            StorageArray.ArrayLun carved;
            try {
                carved = array.provision(name, policy.lunSizeBytes());
            } catch (RuntimeException e) {
                if (!workers.cancelled()) {
                    backoff.failed(pool, clock.instant());
                    failures.failed(pool, MaintainerFailures.Step.PROVISION, e);
                }
                throw e;
            }
            backoff.succeeded(pool);
            failures.succeeded(pool, MaintainerFailures.Step.PROVISION);
            return chores.prepareCarved(pool, policy, carved, reserve, recorded);
        });
        return done.whenComplete((wwn, e) -> recorded.run());
    }

    /**
     * Adopts LUNs the array holds but the state does not know, after removing what cut-short provisions left; runs
     * on the maintainer's thread (term start: the first pass does it anyway).
     */
    public CompletableFuture<Void> reconcileArray() {
        return CompletableFuture.runAsync(() -> {
            synchronized (passLock) {
                if (!closed) {
                    reconcile();
                }
            }
        }, timer);
    }

    private void reconcile() {
        try {
            List<String> removed = array.removeLeftovers();
            if (!removed.isEmpty()) {
                leftoversRemoved.inc(removed.size());
                LOG.info("removed {} leftover(s) of cut-short provisions from the array: {}", removed.size(), removed);
            }
            Set<String> pools = new HashSet<>(inventory.poolNames());
            AdoptionPlanner.Adoptions plan = AdoptionPlanner.plan(array.list(), w -> inventory.lun(w).isPresent(),
                    pools, id -> inFlight.contains(id) || busy.contains(id));
            for (StorageArray.ArrayLun stranger : plan.unknownPool()) {
                if (strangersSeen.add(stranger.wwn())) {
                    LOG.warn("array LUN {} ({}) belongs to no known pool; leaving it alone", stranger.name(),
                            stranger.wwn());
                }
            }
            List<CompletableFuture<Outcome>> adds = new ArrayList<>();
            for (Lun lun : plan.adopt()) {
                adds.add(chores.record(new Request.AddLun(lun)).whenComplete((o, e) -> {
                    if (e == null) {
                        adopted.inc();
                        LOG.info("adopted array LUN {} into pool {} as WIPING: it is wiped before it is FREE",
                                lun.wwn(), lun.pool());
                    }
                }));
            }
            CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            failures.succeeded(MaintainerFailures.ARRAY, MaintainerFailures.Step.RECONCILE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closed) {
                failures.failed(MaintainerFailures.ARRAY, MaintainerFailures.Step.RECONCILE, e);
            }
        }
    }

    /**
     * Ends the term's maintenance: no pass starts any more, and the running chores are cancelled and awaited, so
     * none of them acts on a LUN after this returns (their LUNs stay PREPARING or WIPING for the next leader,
     * never FAILED for the cancellation).
     */
    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        workers.cancel(CANCEL_WAIT);
    }
}
