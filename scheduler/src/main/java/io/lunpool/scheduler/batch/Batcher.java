package io.lunpool.scheduler.batch;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.CommitFailedException;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's single writer. Requests queue up; one thread drains up to {@code maxBatch} of them (or
 * {@code maxBytes}), plans them against the {@link Inventory}, commits all their writes in one store
 * transaction fenced by the leader's election node, and completes each caller's future. A request that
 * fails fails alone: planning errors never reach the transaction, and when the transaction is refused
 * the request owning the refused op is re-read and re-planned, the others retried.
 */
public final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
    private static final int MAX_ATTEMPTS = 3;
    private static final List<String> GAUGES = List.of("lunpool.batch.queue-depth", "lunpool.batch.oldest-age-ms",
            "lunpool.batch.transactions");

    private final StateStore store;
    private final StorageArray array;
    private final BatchPlanner planner;
    private final BatcherSettings settings;
    private final Inventory inventory;
    private final String fenceToken;
    private final SlowPath slowPath;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ExecutorService effects = Executors.newFixedThreadPool(4, r -> daemon(r, "lunpool-array-effects"));
    private final AtomicLong transactions = new AtomicLong();
    private final Histogram batchSizes;
    private final MetricRegistry metrics;
    private final Thread worker;
    private volatile boolean running = true;
    private volatile boolean paused;

    private static final class Pending {
        final Request request;
        final CompletableFuture<Outcome> future;
        final long enqueued = System.nanoTime();
        int attempts;

        Pending(Request request, CompletableFuture<Outcome> future) {
            this.request = request;
            this.future = future;
        }
    }

    public Batcher(StateStore store, StorageArray array, BatchPlanner planner, BatcherSettings settings,
                   Inventory inventory, String fenceToken, SlowPath slowPath, MetricRegistry metrics) {
        this.store = store;
        this.array = array;
        this.planner = planner;
        this.settings = settings;
        this.inventory = inventory;
        this.fenceToken = fenceToken;
        this.slowPath = slowPath;
        this.batchSizes = metrics.histogram("lunpool.batch.size",
                () -> new Histogram(new SlidingTimeWindowArrayReservoir(1, TimeUnit.MINUTES)));
        this.metrics = metrics;
        GAUGES.forEach(metrics::remove); // a gauge of an earlier term would read that term's closed queue
        metrics.gauge("lunpool.batch.queue-depth", () -> queue::size);
        metrics.gauge("lunpool.batch.oldest-age-ms", () -> () -> {
            Pending head = queue.peek();
            return head == null ? 0L : (System.nanoTime() - head.enqueued) / 1_000_000;
        });
        metrics.gauge("lunpool.batch.transactions", () -> transactions::get);
        this.worker = daemon(this::run, "lunpool-batcher");
        worker.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public CompletableFuture<Outcome> submit(Request request) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(notLeading());
        } else {
            queue.add(new Pending(request, future));
        }
        return future;
    }

    /** Transactions committed so far (tests count them). */
    public long transactions() {
        return transactions.get();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** ZooKeeper connection SUSPENDED: hold requests until it is back (or LOST). */
    public void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    /** Stops taking requests and fails those still queued with TRANSIENT so clients retry at the new leader. */
    @Override
    public void close() {
        running = false;
        GAUGES.forEach(metrics::remove);
        synchronized (this) {
            notifyAll();
        }
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending p; (p = queue.poll()) != null; ) {
            p.future.completeExceptionally(notLeading());
        }
        effects.shutdown();
    }

    private static LunpoolException notLeading() {
        return new LunpoolException(Reason.TRANSIENT, "this control plane is no longer the leader; retry the request");
    }

    private void run() {
        while (running) {
            List<Pending> batch = new ArrayList<>();
            try {
                drain(batch);
                if (paused) {
                    awaitResumed();
                    topUp(batch); // what queued up while paused joins this batch
                }
            } catch (InterruptedException e) {
                batch.forEach(p -> p.future.completeExceptionally(notLeading()));
                continue;
            }
            if (batch.isEmpty()) {
                continue;
            }
            try {
                process(batch);
            } catch (RuntimeException e) {
                LOG.error("batch of {} failed unexpectedly", batch.size(), e);
                LunpoolException failure = new LunpoolException(Reason.TRANSIENT, "batch failed: " + e, e);
                batch.forEach(p -> p.future.completeExceptionally(failure));
            }
        }
    }

    private void drain(List<Pending> batch) throws InterruptedException {
        Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        int bytes = RequestSize.estimate(first.request);
        long deadline = System.nanoTime() + settings.maxWait().toNanos();
        while (batch.size() < settings.maxBatch() && bytes < settings.maxBytes()) {
            Pending next = queue.peek();
            int size;
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (next = queue.poll(left, TimeUnit.NANOSECONDS)) == null) {
                    return;
                }
                size = RequestSize.estimate(next.request);
            } else {
                size = RequestSize.estimate(next.request);
                if (bytes + size > settings.maxBytes()) {
                    return;
                }
                queue.poll();
            }
            bytes += size;
            batch.add(next);
        }
    }

    private void topUp(List<Pending> batch) {
        int bytes = batch.stream().mapToInt(p -> RequestSize.estimate(p.request)).sum();
        for (Pending next; batch.size() < settings.maxBatch() && (next = queue.peek()) != null; ) {
            int size = RequestSize.estimate(next.request);
            if (bytes + size > settings.maxBytes()) {
                return;
            }
            queue.poll();
            bytes += size;
            batch.add(next);
        }
    }

    private synchronized void awaitResumed() throws InterruptedException {
        while (paused && running) {
            wait(1000);
        }
    }

    private void process(List<Pending> batch) {
        List<Pending> live = new ArrayList<>(batch);
        while (!live.isEmpty()) {
            BatchPlan plan = planner.plan(inventory, live.stream().map(p -> p.request).toList(), fenceToken);
            List<Pending> keep = settle(live, plan);
            if (keep.size() < live.size()) {
                live = keep; // failed and slow-path requests leave; their ops must leave the transaction too
                continue;
            }
            if (!plan.writes()) {
                answer(live, plan);
                return;
            }
            List<Pending> mapFailures = runMaps(live, plan);
            if (!mapFailures.isEmpty()) {
                live.removeAll(mapFailures);
                continue;
            }
            try {
                List<Integer> versions = store.commit(plan.ops());
                transactions.incrementAndGet();
                batchSizes.update(live.size());
                apply(plan, versions);
                answer(live, plan);
                plan.after().forEach(this::runLater);
                return;
            } catch (CommitFailedException e) {
                live = refused(live, plan, e);
            }
        }
    }

    /** Fails the requests the plan refused and sends slow-path ones away; returns those still to commit. */
    private List<Pending> settle(List<Pending> live, BatchPlan plan) {
        List<Pending> keep = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            Pending p = live.get(i);
            Decision d = plan.decisions().get(i);
            if (d instanceof Decision.Fail f) {
                p.future.completeExceptionally(f.error());
            } else if (d instanceof Decision.NeedsLun n) {
                slowPath(p, n.pool());
            } else {
                keep.add(p);
            }
        }
        return keep;
    }

    private void slowPath(Pending p, String pool) {
        Request.CreateVolume create = (Request.CreateVolume) p.request;
        if (slowPath == null) {
            p.future.completeExceptionally(new LunpoolException(Reason.EXHAUSTED, "pool '" + pool
                    + "' has no FREE LUN and this control plane cannot provision on demand"));
            return;
        }
        slowPath.provision(pool).whenComplete((wwn, error) -> {
            if (error != null && !running) {
                p.future.completeExceptionally(notLeading()); // the term ended under the provision
                return;
            }
            if (error != null) {
                p.future.completeExceptionally(error instanceof java.util.concurrent.CompletionException
                        && error.getCause() != null ? error.getCause() : error);
                return;
            }
            Pending retry = new Pending(create.withReservedLun(wwn), p.future);
            retry.future.whenComplete((o, e) -> slowPath.release(wwn));
            if (running) {
                queue.add(retry);
            } else {
                retry.future.completeExceptionally(notLeading());
            }
        });
    }

    private void answer(List<Pending> live, BatchPlan plan) {
        for (int i = 0; i < live.size(); i++) {
            Decision d = plan.decisions().get(i);
            if (d instanceof Decision.Answer a) {
                live.get(i).future.complete(a.outcome());
            }
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void apply(BatchPlan plan, List<Integer> versions) {
        for (Overlay.Change c : plan.changes()) {
            Versioned v = c.value() == null ? null : new Versioned<>(c.key(), c.value(), versions.get(c.op()));
            inventory.apply((Kind) c.kind(), c.key(), v);
        }
    }

    private List<Pending> refused(List<Pending> live, BatchPlan plan, CommitFailedException e) {
        if (e.failure() == CommitFailedException.Cause.FENCED || e.index() < 0
                || plan.owners().get(e.index()) < 0) {
            LOG.warn("transaction of {} requests refused ({}): {}", live.size(), e.failure(), e.getMessage());
            LunpoolException failure = new LunpoolException(Reason.TRANSIENT, "the control plane could not commit ("
                    + e.failure() + "); retry the request", e);
            live.forEach(p -> p.future.completeExceptionally(failure));
            return List.of();
        }
        Overlay.Change change = plan.changes().stream().filter(c -> c.op() == e.index()).findFirst().orElseThrow();
        refresh(change.kind(), change.key());
        Pending culprit = live.get(plan.owners().get(e.index()));
        LOG.info("op {} on {}/{} refused ({}); re-read it and re-planning", e.index(), change.kind(), change.key(),
                e.failure());
        if (++culprit.attempts >= MAX_ATTEMPTS) {
            culprit.future.completeExceptionally(LunpoolException.conflict("the record " + change.kind() + "/"
                    + change.key() + " changed under this request " + MAX_ATTEMPTS + " times (" + e.failure()
                    + "); retry it"));
            List<Pending> rest = new ArrayList<>(live);
            rest.remove(culprit);
            return rest;
        }
        return live;
    }

    private <T> void refresh(Kind<T> kind, String key) {
        inventory.apply(kind, key, store.get(kind, key).orElse(null));
    }

    private List<Pending> runMaps(List<Pending> live, BatchPlan plan) {
        if (plan.before().isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (ArrayEffect effect : plan.before()) {
            calls.add(CompletableFuture.runAsync(() -> run(effect), effects));
        }
        List<Pending> failed = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            try {
                calls.get(i).join();
            } catch (java.util.concurrent.CompletionException err) {
                ArrayEffect.MapLun map = (ArrayEffect.MapLun) plan.before().get(i);
                Pending owner = live.get(map.owner());
                failed.add(owner);
                owner.future.completeExceptionally(new LunpoolException(Reason.ARRAY_ERROR, "mapping LUN "
                        + map.wwn() + " to host " + map.host() + " failed: " + err.getCause().getMessage(),
                        err.getCause()));
            }
        }
        return failed;
    }

    private void runLater(ArrayEffect effect) {
        effects.execute(() -> {
            try {
                run(effect);
            } catch (RuntimeException e) {
                LOG.warn("array call {} failed; the mapping stays until the next reconcile", effect, e);
            }
        });
    }

    private void run(ArrayEffect effect) {
        if (array == null) {
            return;
        }
        if (effect instanceof ArrayEffect.MapLun m) {
            array.map(m.wwn(), m.host(), m.initiators());
        } else if (effect instanceof ArrayEffect.UnmapLun u) {
            array.unmap(u.wwn(), u.host());
        }
    }
}
