package io.lunpool.scheduler.batch;

import com.codahale.metrics.MetricRegistry;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 250 lines on purpose: the commit loop and its three ways out (refusal, failed map, slow path) read as one.
/**
 * The leader's single writer. One thread takes batches from the {@link BatchQueue}, plans each against the
 * {@link Inventory}, has the {@link ArrayEffects} map LUNs, commits all the batch's writes in one store
 * transaction fenced by the leader's election node, applies them to the inventory and completes each
 * caller's future. A request that fails fails alone: planning errors never reach the transaction, and when
 * the transaction is refused the request owning the refused op is re-read and re-planned, the others
 * retried. A create that finds its pool empty goes to the {@link SlowPath} and comes back with a LUN.
 */
public final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
    private static final int MAX_ATTEMPTS = 3;

    private final StateStore store;
    private final BatchPlanner planner;
    private final Inventory inventory;
    private final String fenceToken;
    private final SlowPath slowPath;
    private final BatchQueue queue;
    private final ArrayEffects effects;
    private final BatchMetrics metrics;
    private final Thread worker;
    private volatile boolean running = true;

    /** A null {@code array} skips the array calls; a null {@code slowPath} fails creates on an empty pool. */
    public Batcher(StateStore store, StorageArray array, BatchPlanner planner, BatcherSettings settings,
                   Inventory inventory, String fenceToken, SlowPath slowPath, MetricRegistry metrics) {
        this.store = store;
        this.planner = planner;
        this.inventory = inventory;
        this.fenceToken = fenceToken;
        this.slowPath = slowPath;
        this.queue = new BatchQueue(settings);
        this.effects = new ArrayEffects(array);
        this.metrics = new BatchMetrics(metrics, queue);
        this.worker = new Thread(this::run, "lunpool-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    public CompletableFuture<Outcome> submit(Request request) {
        CompletableFuture<Outcome> future = new CompletableFuture<>();
        if (!running) {
            future.completeExceptionally(notLeading());
        } else {
            queue.add(new PendingRequest(request, future));
        }
        return future;
    }

    /** Transactions committed so far (tests count them). */
    public long transactions() {
        return metrics.transactions();
    }

    public int queueDepth() {
        return queue.depth();
    }

    /** ZooKeeper connection SUSPENDED: hold requests until it is back (or LOST). */
    public void pause() {
        queue.pause();
    }

    public void resume() {
        queue.resume();
    }

    /** Stops taking requests and fails those still queued with TRANSIENT so clients retry at the new leader. */
    @Override
    public void close() {
        running = false;
        metrics.close();
        queue.close();
        worker.interrupt();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        queue.removeAll().forEach(p -> p.future.completeExceptionally(notLeading()));
        effects.close();
    }

    private static LunpoolException notLeading() {
        return new LunpoolException(Reason.TRANSIENT, "this control plane is no longer the leader; retry the request");
    }

    private void run() {
        while (running) {
            List<PendingRequest> batch = new ArrayList<>();
            try {
                queue.next(batch);
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

    /** Plan, map, commit, apply, answer; re-planned whenever requests leave the batch or a commit is refused. */
    private void process(List<PendingRequest> batch) {
        List<PendingRequest> live = new ArrayList<>(batch);
        while (!live.isEmpty()) {
            BatchPlan plan = planner.plan(inventory, live.stream().map(p -> p.request).toList(), fenceToken);
            List<PendingRequest> keep = settle(live, plan);
            if (keep.size() < live.size()) {
                live = keep; // failed and slow-path requests leave; their ops must leave the transaction too
                continue;
            }
            if (!plan.writes()) {
                answer(live, plan);
                return;
            }
            Map<Integer, LunpoolException> mapFailures = effects.beforeCommit(plan.before());
            if (!mapFailures.isEmpty()) {
                live = withoutFailed(live, mapFailures); // a failed map fails only the request that owns it
                continue;
            }
            try {
                List<Integer> versions = store.commit(plan.ops());
                metrics.committed(live.size());
                apply(plan, versions);
                answer(live, plan);
                effects.runLater(plan.after());
                return;
            } catch (CommitFailedException e) {
                live = refused(live, plan, e);
            }
        }
    }

    /** Fails the requests the plan refused and sends slow-path ones away; returns those still to commit. */
    private List<PendingRequest> settle(List<PendingRequest> live, BatchPlan plan) {
        List<PendingRequest> keep = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            PendingRequest p = live.get(i);
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

    /** Has a LUN provisioned for the create, then queues it again with that LUN reserved. */
    private void slowPath(PendingRequest p, String pool) {
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
                p.future.completeExceptionally(error instanceof CompletionException
                        && error.getCause() != null ? error.getCause() : error);
                return;
            }
            PendingRequest retry = new PendingRequest(create.withReservedLun(wwn), p.future);
            retry.future.whenComplete((o, e) -> slowPath.release(wwn));
            if (running) {
                queue.add(retry);
            } else {
                retry.future.completeExceptionally(notLeading());
            }
        });
    }

    private static List<PendingRequest> withoutFailed(List<PendingRequest> live, Map<Integer, LunpoolException> failed) {
        List<PendingRequest> rest = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            if (failed.containsKey(i)) {
                live.get(i).future.completeExceptionally(failed.get(i));
            } else {
                rest.add(live.get(i));
            }
        }
        return rest;
    }

    private void answer(List<PendingRequest> live, BatchPlan plan) {
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

    /**
     * A refused transaction: fenced, or refused for no one request's op, fails the whole batch TRANSIENT.
     * Otherwise the refused record is re-read and the batch re-planned; its owner gives up after
     * {@code MAX_ATTEMPTS} refusals with CONFLICT.
     */
    private List<PendingRequest> refused(List<PendingRequest> live, BatchPlan plan, CommitFailedException e) {
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
        PendingRequest culprit = live.get(plan.owners().get(e.index()));
        LOG.info("op {} on {}/{} refused ({}); re-read it and re-planning", e.index(), change.kind(), change.key(),
                e.failure());
        if (++culprit.attempts >= MAX_ATTEMPTS) {
            culprit.future.completeExceptionally(LunpoolException.conflict("the record " + change.kind() + "/"
                    + change.key() + " changed under this request " + MAX_ATTEMPTS + " times (" + e.failure()
                    + "); retry it"));
            List<PendingRequest> rest = new ArrayList<>(live);
            rest.remove(culprit);
            return rest;
        }
        return live;
    }

    private <T> void refresh(Kind<T> kind, String key) {
        inventory.apply(kind, key, store.get(kind, key).orElse(null));
    }
}
