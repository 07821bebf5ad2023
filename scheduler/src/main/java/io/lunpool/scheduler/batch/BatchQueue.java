package io.lunpool.scheduler.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The batcher's queue. It hands out the next batch: up to {@code maxBatch} requests and {@code maxBytes}
 * of estimated payload, waiting at most {@code maxWait} for a batch to fill once a request is there. While
 * paused it holds the batch it has; on resume, what queued up meanwhile joins it, up to the same caps.
 */
final class BatchQueue {
    private final BatcherSettings settings;
    private final LinkedBlockingQueue<PendingRequest> queue = new LinkedBlockingQueue<>();
    private volatile boolean paused;
    private volatile boolean closed;

    BatchQueue(BatcherSettings settings) {
        this.settings = settings;
    }

    void add(PendingRequest pending) {
        queue.add(pending);
    }

    int depth() {
        return queue.size();
    }

    long oldestAgeMillis() {
        PendingRequest head = queue.peek();
        return head == null ? 0L : (System.nanoTime() - head.enqueued) / 1_000_000;
    }

    void pause() {
        paused = true;
    }

    synchronized void resume() {
        paused = false;
        notifyAll();
    }

    /**
     * Moves the next batch into {@code batch}, which stays empty when no request came within a short poll.
     * When interrupted, what was taken so far stays in {@code batch} for the caller to answer.
     */
    void next(List<PendingRequest> batch) throws InterruptedException {
        drain(batch);
        if (paused) {
            awaitResumed();
            topUp(batch);
        }
    }

    /** Waits while paused (the ZooKeeper connection is SUSPENDED); false once the queue is closed. */
    boolean awaitRunnable() throws InterruptedException {
        awaitResumed();
        return !closed;
    }

    /** Releases a paused {@link #next} for good: the batcher is stopping. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Takes every request still queued. */
    List<PendingRequest> removeAll() {
        List<PendingRequest> left = new ArrayList<>();
        queue.drainTo(left);
        return left;
    }

    private void drain(List<PendingRequest> batch) throws InterruptedException {
        PendingRequest first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        int bytes = RequestSize.estimate(first.request);
        long deadline = System.nanoTime() + settings.maxWait().toNanos();
        while (batch.size() < settings.maxBatch() && bytes < settings.maxBytes()) {
            PendingRequest next = queue.peek();
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

    private void topUp(List<PendingRequest> batch) {
        int bytes = batch.stream().mapToInt(p -> RequestSize.estimate(p.request)).sum();
        for (PendingRequest next; batch.size() < settings.maxBatch() && (next = queue.peek()) != null; ) {
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
        while (paused && !closed) {
            wait(1000);
        }
    }
}
