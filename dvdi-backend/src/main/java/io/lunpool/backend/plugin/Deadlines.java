package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs plugin operations with a deadline. Docker gives up after 120 s (Create, Mount) or 60 s (the rest) and then
 * never sends the matching Unmount, so an answer after that is worse than an error: the caller gets TRANSIENT at
 * the deadline, the work goes on in the background and, if it completes after the caller has gone, its result
 * is handed to the undo (a Mount's reference is released). Who wins, answer or deadline, is decided once by
 * completing one future.
 */
final class Deadlines {
    private static final Logger LOG = LoggerFactory.getLogger(Deadlines.class);
    private final ExecutorService executor;

    Deadlines(ExecutorService executor) {
        this.executor = executor;
    }

    <T> T run(String operation, Duration limit, Callable<T> work, Consumer<? super T> undo) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                T result;
                try {
                    result = work.call();
                } catch (Throwable t) {
                    if (!answer.completeExceptionally(t)) {
                        LOG.warn("{} failed after its caller had given up: {}", operation, t.toString());
                    }
                    return;
                }
                if (!answer.complete(result) && undo != null) {
                    LOG.warn("{} finished after its deadline of {}; undoing it", operation, limit);
                    try {
                        undo.accept(result);
                    } catch (RuntimeException e) {
                        LOG.error("undoing the late {} failed; the next reconcile cleans up", operation, e);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw LunpoolException.transientError(operation + " was refused: the plugin is shutting down", e);
        }
        try {
            return answer.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            LunpoolException late = LunpoolException.transientError(operation + " did not finish within " + limit
                    + "; it was given up and will be undone if it completes later; try again", e);
            if (answer.completeExceptionally(late)) {
                throw late;
            }
            return answer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.completeExceptionally(e);
            throw LunpoolException.transientError(operation + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof LunpoolException le) {
                throw le;
            }
            throw new LunpoolException(Reason.HOST_ERROR, operation + " failed: " + cause, cause);
        }
    }
}
