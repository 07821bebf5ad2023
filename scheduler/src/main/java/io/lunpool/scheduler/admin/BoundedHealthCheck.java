package io.lunpool.scheduler.admin;

import com.codahale.metrics.health.HealthCheck;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A health check that answers within {@link #LIMIT} whatever ZooKeeper does (stopped, black-holed): its
 * {@link #examine()} runs on a thread of the check's own, and when that has not answered in time, or an
 * earlier call's is still running, the check is unhealthy and says so instead of waiting.
 */
abstract class BoundedHealthCheck extends HealthCheck {
    static final Duration LIMIT = Duration.ofMillis(500);

    private final String what;
    private final ThreadPoolExecutor runner;
    private volatile long startedAt;

    BoundedHealthCheck(String what) {
        this.what = what;
        this.runner = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "lunpool-health-" + what);
            t.setDaemon(true);
            return t;
        });
    }

    /** The check itself; may wait on ZooKeeper. */
    abstract Result examine() throws Exception;

    @Override
    protected final Result check() {
        Future<Result> answer;
        try {
            answer = runner.submit(() -> {
                startedAt = System.nanoTime();
                return examine();
            });
        } catch (RejectedExecutionException e) {
            return Result.unhealthy("%s: the previous check has not answered for %d ms; ZooKeeper may be unreachable",
                    what, (System.nanoTime() - startedAt) / 1_000_000);
        }
        try {
            return answer.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Result.unhealthy("%s did not answer within %d ms; ZooKeeper may be unreachable", what,
                    LIMIT.toMillis());
        } catch (ExecutionException e) {
            return Result.unhealthy(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.unhealthy("%s: interrupted", what);
        }
    }
}
