package io.lunpool.scheduler.pool;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker threads of one term's chores. {@link #cancel} ends them all when the term ends: queued chores never
 * start, running ones are interrupted (a command they run is killed, a wipe stops within a block, a LUN they
 * attached is detached) and awaited, and every future not completed by then fails TRANSIENT.
 */
final class ChoreWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(ChoreWorkers.class);

    private final ExecutorService pool;
    private final Set<CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    ChoreWorkers(int threads) {
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "lunpool-chores");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the task on a worker; its future fails TRANSIENT when the term ends first. */
    <T> CompletableFuture<T> run(Callable<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (cancelled) {
            future.completeExceptionally(termEnded());
            return future;
        }
        outstanding.add(future);
        future.whenComplete((r, e) -> outstanding.remove(future));
        try {
            pool.execute(() -> {
                try {
                    future.complete(task.call());
                } catch (Throwable e) {
                    future.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            future.completeExceptionally(termEnded());
        }
        return future;
    }

    /** Whether the chore running on this thread must stop: the term ended or the thread was interrupted. */
    boolean cancelled() {
        return cancelled || Thread.currentThread().isInterrupted();
    }

    /** Interrupts the running chores, drops the queued ones and waits up to {@code timeout} for them to stop. */
    void cancel(Duration timeout) {
        cancelled = true;
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.error("chores still running {} after they were cancelled", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outstanding.forEach(f -> f.completeExceptionally(termEnded()));
    }

    static LunpoolException termEnded() {
        return new LunpoolException(Reason.TRANSIENT, "the leader term ended; the next leader takes the chore up");
    }
}
