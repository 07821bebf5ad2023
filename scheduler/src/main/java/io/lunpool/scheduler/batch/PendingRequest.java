package io.lunpool.scheduler.batch;

import java.util.concurrent.CompletableFuture;

/** A submitted request with the future its caller waits on, when it was queued and how often it was refused. */
final class PendingRequest {
    final Request request;
    final CompletableFuture<Outcome> future;
    final long enqueued = System.nanoTime();
    int attempts;

    PendingRequest(Request request, CompletableFuture<Outcome> future) {
        this.request = request;
        this.future = future;
    }
}
