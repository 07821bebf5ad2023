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

// Over 250 lines on purpose: the commit loop and its ways out (refusal, failed map, slow path, lost answer) read as one.
/**
 * The leader's single writer. One thread takes batches from the {@link BatchQueue}, plans each against the
 * {@link Inventory}, has the {@link ArrayEffects} map LUNs, commits all the batch's writes in one store
 * transaction behind the term's fence and marker ({@link TermCommitter}), applies them to the inventory and
 * completes each caller's future. A request that fails fails alone: planning errors never reach the
 * transaction, and when the transaction is refused the request owning the refused op is re-read and
 * re-planned, the others retried. A create that finds its pool empty goes to the {@link SlowPath} and comes
 * back with a LUN.
 *
 * <p>No answer leaves before a transaction of its batch has committed: refusals and answers from memory wait
 * for the batch's commit, or for a probe when the batch writes nothing, so an instance that no longer leads
 * answers TRANSIENT instead of from a stale inventory. A transaction whose answer was lost is resolved before
 * anything else happens: applied, its requests get their planned answers and every record it touched is
 * read again; not applied, the batch is planned and committed again.
 */
public final class Batcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Batcher.class);
    private static final int MAX_ATTEMPTS = 3;

    /** An answer that waits for a transaction of its batch to commit. */
    private record Held(PendingRequest request, LunpoolException error) {
    }

    private final StateStore store;
    private final BatchPlanner planner;
    private final Inventory inventory;
    private final SlowPath slowPath;
    private final BatchQueue queue;
    private final ArrayEffects effects;
    private final BatchMetrics metrics;
    private final TermCommitter committer;
    private final Thread worker;
    private volatile boolean running = true;

    /** A null {@code array} skips the array calls; a null {@code slowPath} fails creates on an empty pool. */
    public Batcher(StateStore store, StorageArray array, BatchPlanner planner, BatcherSettings settings,
                   Inventory inventory, TermFence fence, SlowPath slowPath, MetricRegistry metrics) {
        this.store = store;
        this.planner = planner;
        this.inventory = inventory;
        this.slowPath = slowPath;
        this.queue = new BatchQueue(settings);
        this.effects = new ArrayEffects(array);
        this.metrics = new BatchMetrics(metrics, queue);
        this.committer = new TermCommitter(store, fence, queue, this.metrics);
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
            if (!batch.isEmpty()) {
                process(batch);
            }
        }
    }

    /** Plan, map, commit, apply, answer; re-planned whenever requests leave the batch or a commit is refused. */
    private void process(List<PendingRequest> batch) {
        List<PendingRequest> live = new ArrayList<>(batch);
        List<Held> held = new ArrayList<>();
        try {
            int notApplied = 0;
            while (true) {
                if (live.isEmpty()) {
                    if (!held.isEmpty()) {
                        release(held, committer.probe());
                    }
                    return;
                }
                BatchPlan plan = planner.plan(inventory, live.stream().map(p -> p.request).toList());
                List<PendingRequest> keep = settle(live, plan, held);
                if (keep.size() < live.size()) {
                    live = keep; // failed and slow-path requests leave; their ops must leave the transaction too
                    continue;
                }
                if (!plan.writes()) {
                    CommitResult probe = committer.probe();
                    if (probe.provesLead()) {
                        answer(live, plan);
                    } else {
                        failAll(live, probe);
                    }
                    release(held, probe);
                    return;
                }
                Map<Integer, LunpoolException> mapFailures = effects.beforeCommit(plan.before());
                if (!mapFailures.isEmpty()) {
                    live = withoutFailed(live, mapFailures); // a failed map fails only the request that owns it
                    continue;
                }
                CommitResult result = committer.commit(plan.ops());
                if (result instanceof CommitResult.Committed c) {
                    metrics.committed(live.size());
                    apply(plan, c.versions());
                    finish(live, plan, held);
                    return;
                } else if (result instanceof CommitResult.Applied) {
                    metrics.committed(live.size());
                    finish(live, plan, held);
                    reread(plan);
                    return;
                } else if (result instanceof CommitResult.NotApplied) {
                    if (++notApplied < MAX_ATTEMPTS) {
                        continue; // the inventory is unchanged: the same plan, committed again
                    }
                    LunpoolException failure = new LunpoolException(Reason.TRANSIENT, "the transaction for this request"
                            + " lost its answer " + MAX_ATTEMPTS + " times and was not applied; retry the request");
                    live.forEach(p -> p.future.completeExceptionally(failure));
                    release(held, result);
                    return;
                } else if (result instanceof CommitResult.Refused r && r.write() >= 0) {
                    live = refused(live, plan, r.write(), r.error(), held);
                    continue;
                }
                failAll(live, result);
                release(held, result);
                return;
            }
        } catch (RuntimeException e) {
            LOG.error("batch of {} failed unexpectedly", batch.size(), e);
            LunpoolException failure = new LunpoolException(Reason.TRANSIENT, "batch failed: " + e, e);
            live.forEach(p -> p.future.completeExceptionally(failure));
            held.forEach(h -> h.request().future.completeExceptionally(failure));
        }
    }

    /** Answers the batch's requests as planned and its held refusals, then starts the unmaps. */
    private void finish(List<PendingRequest> live, BatchPlan plan, List<Held> held) {
        answer(live, plan);
        held.forEach(h -> h.request().future.completeExceptionally(h.error()));
        effects.runLater(plan.after());
    }

    /** Held answers go out once a transaction of their batch shows this instance led after they were decided. */
    private static void release(List<Held> held, CommitResult result) {
        for (Held h : held) {
            h.request().future.completeExceptionally(result.provesLead() ? h.error() : unconfirmed(result));
        }
    }

    private static void failAll(List<PendingRequest> live, CommitResult result) {
        LunpoolException failure = unconfirmed(result);
        live.forEach(p -> p.future.completeExceptionally(failure));
    }

    /** TRANSIENT for a request whose batch could not show this instance still leads, or whose outcome is unknown. */
    private static LunpoolException unconfirmed(CommitResult result) {
        if (result instanceof CommitResult.Refused r) {
            return new LunpoolException(Reason.TRANSIENT, "the control plane could not commit ("
                    + r.error().failure() + ": " + r.error().getMessage() + "); retry the request", r.error());
        } else if (result instanceof CommitResult.Deposed d) {
            return new LunpoolException(Reason.TRANSIENT, "this control plane no longer leads (" + d.why()
                    + "); the outcome of the request is unknown: retry it, the new leader answers it");
        }
        return new LunpoolException(Reason.TRANSIENT, "this control plane's leader term ended before the outcome"
                + " of the request was known; retry it, the new leader answers it");
    }

    /**
     * After a transaction whose answer was lost turned out applied: reads every record it touched again, so the
     * inventory learns their versions before the next batch is planned. Gives up when the term ends.
     */
    private void reread(BatchPlan plan) {
        for (Overlay.Change c : plan.changes()) {
            while (true) {
                try {
                    refresh(c.kind(), c.key());
                    break;
                } catch (LunpoolException e) {
                    LOG.warn("re-reading {}/{} failed ({}); reading again once connected", c.kind(), c.key(),
                            e.getMessage());
                    if (!committer.awaitConnected() || !backOff()) {
                        return;
                    }
                }
            }
        }
    }

    private static boolean backOff() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Holds the refusals of the plan and sends slow-path requests away; returns those still to commit. */
    private List<PendingRequest> settle(List<PendingRequest> live, BatchPlan plan, List<Held> held) {
        List<PendingRequest> keep = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            PendingRequest p = live.get(i);
            Decision d = plan.decisions().get(i);
            if (d instanceof Decision.Fail f) {
                held.add(new Held(p, f.error()));
            } else if (d instanceof Decision.NeedsLun n && slowPath == null) {
                held.add(new Held(p, new LunpoolException(Reason.EXHAUSTED, "pool '" + n.pool()
                        + "' has no FREE LUN and this control plane cannot provision on demand")));
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
     * ZooKeeper refused the plan's write {@code write}: the record is re-read and the batch re-planned; its
     * owner gives up after {@code MAX_ATTEMPTS} refusals with CONFLICT (held like a refusal).
     */
    private List<PendingRequest> refused(List<PendingRequest> live, BatchPlan plan, int write,
                                         CommitFailedException e, List<Held> held) {
        Overlay.Change change = plan.changes().stream().filter(c -> c.op() == write).findFirst().orElseThrow();
        refresh(change.kind(), change.key());
        PendingRequest culprit = live.get(plan.owners().get(write));
        LOG.info("write {} on {}/{} refused ({}); re-read it and re-planning", write, change.kind(), change.key(),
                e.failure());
        if (++culprit.attempts >= MAX_ATTEMPTS) {
            held.add(new Held(culprit, LunpoolException.conflict("the record " + change.kind() + "/"
                    + change.key() + " changed under this request " + MAX_ATTEMPTS + " times (" + e.failure()
                    + "); retry it")));
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
