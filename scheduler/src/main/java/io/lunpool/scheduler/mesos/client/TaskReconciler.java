package io.lunpool.scheduler.mesos.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs reconciliation, one run at a time: after every SUBSCRIBED an explicit run over the tasks the framework
 * believes alive, repeating the unanswered ones with backoff, then one implicit RECONCILE; and an implicit
 * RECONCILE every {@code implicitReconcileInterval} while no run is going on. A disconnect ends the run.
 */
final class TaskReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(TaskReconciler.class);

    private final MesosClientSettings settings;
    private final KnownTasks known;
    private final ScheduledExecutorService timer;
    private final Function<List<TaskRef>, CompletableFuture<Void>> send;
    private ReconcileRun run;
    private CompletableFuture<Void> runDone;
    private ScheduledFuture<?> nextRound;
    private ScheduledFuture<?> implicit;

    TaskReconciler(MesosClientSettings settings, KnownTasks known, ScheduledExecutorService timer,
                   Function<List<TaskRef>, CompletableFuture<Void>> send) {
        this.settings = settings;
        this.known = known;
        this.timer = timer;
        this.send = send;
    }

    /** A subscription began: start the explicit run and the periodic implicit reconciliation. */
    synchronized CompletableFuture<Void> subscribed() {
        stopped("a new subscription began");
        long every = settings.implicitReconcileInterval().toMillis();
        implicit = timer.scheduleAtFixedRate(this::implicitTick, every, every, TimeUnit.MILLISECONDS);
        return runNow();
    }

    /** Starts an explicit run, or returns the one going on. */
    synchronized CompletableFuture<Void> runNow() {
        if (runDone != null && !runDone.isDone()) {
            return runDone;
        }
        List<TaskRef> tasks = List.copyOf(known.nonTerminal());
        run = new ReconcileRun(tasks);
        runDone = new CompletableFuture<>();
        LOG.info("reconciling {} tasks explicitly", tasks.size());
        round();
        return runDone;
    }

    /** Any status update answers for its task. */
    synchronized void observe(TaskUpdate update) {
        if (run != null && !runDone.isDone()) {
            run.answered(update.taskId());
            if (run.done()) {
                finish();
            }
        }
    }

    /** The subscription ended: the run stops unfinished, the timers stop. */
    synchronized void stopped(String why) {
        if (nextRound != null) {
            nextRound.cancel(false);
            nextRound = null;
        }
        if (implicit != null) {
            implicit.cancel(false);
            implicit = null;
        }
        if (runDone != null && !runDone.isDone()) {
            runDone.completeExceptionally(new MesosCallException("reconciliation stopped: " + why, 0));
        }
    }

    synchronized boolean running() {
        return runDone != null && !runDone.isDone();
    }

    private void round() {
        if (run.done()) {
            finish();
            return;
        }
        for (List<TaskRef> batch : run.nextRound(settings.reconcileBatch())) {
            send.apply(batch).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.warn("explicit RECONCILE of {} tasks failed; the next round repeats it: {}", batch.size(),
                            e.getMessage());
                }
            });
        }
        long wait = run.waitAfterRound(settings.reconcileRetryMin(), settings.reconcileRetryMax()).toMillis();
        nextRound = timer.schedule(this::roundLater, wait, TimeUnit.MILLISECONDS);
    }

    private synchronized void roundLater() {
        if (runDone != null && !runDone.isDone()) {
            LOG.info("{} tasks unanswered after reconciliation round {}; asking again", run.pendingCount(),
                    run.rounds());
            round();
        }
    }

    private void finish() {
        if (nextRound != null) {
            nextRound.cancel(false);
            nextRound = null;
        }
        send.apply(List.of()).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warn("the implicit RECONCILE after the explicit run failed: {}", e.getMessage());
            }
        });
        runDone.complete(null);
    }

    private synchronized void implicitTick() {
        if (!running()) {
            send.apply(List.of()).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.warn("implicit RECONCILE failed: {}", e.getMessage());
                }
            });
        }
    }
}
