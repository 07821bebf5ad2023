package io.lunpool.scheduler.batch;

import io.lunpool.core.LunpoolException;
import io.lunpool.scheduler.store.CommitFailedException;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.StoreOp;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the term's transactions, each behind the fence (the leader's election node) and the term's marker
 * set at the version the previous transaction left, and finds out what became of one whose answer was lost.
 *
 * <p>A commit that fails with a lost connection, or with BAD_VERSION on the marker (Curator re-sent a
 * transaction that had applied), is resolved by a probe: a transaction of the fence and the marker at the
 * version the lost one expected. A probe that applies moved the marker, so the lost transaction did not apply
 * and never can. A probe refused at the marker means one of this term's transactions moved it; the marker's
 * data names which (every marker write carries its own id, so a probe that Curator re-sent after it applied
 * is told apart from the transaction). A fenced probe means another instance leads. Probes wait for the
 * connection (the queue pauses while it is SUSPENDED) and give up when the term ends.
 *
 * <p>Only the batcher thread calls it.
 */
final class TermCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(TermCommitter.class);
    /** The fence and the marker come before the writes. */
    private static final int HEAD = 2;
    private static final long MAX_BACKOFF_MILLIS = 1000;

    private final StateStore store;
    private final TermFence fence;
    private final BatchQueue queue;
    private final BatchMetrics metrics;
    private int markerVersion;
    private long sequence;

    TermCommitter(StateStore store, TermFence fence, BatchQueue queue, BatchMetrics metrics) {
        this.store = store;
        this.fence = fence;
        this.queue = queue;
        this.metrics = metrics;
        this.markerVersion = fence.markerVersion();
    }

    /** Commits the writes behind the fence and the marker. */
    CommitResult commit(List<StoreOp> writes) {
        List<StoreOp> ops = new ArrayList<>(HEAD + writes.size());
        String id = nextId();
        int expected = markerVersion;
        ops.add(new StoreOp.Fence(fence.token()));
        ops.add(new StoreOp.Marker(fence.token(), id, expected));
        ops.addAll(writes);
        try {
            List<Integer> versions = await(store.commitAsync(ops));
            markerVersion = versions.get(1);
            return new CommitResult.Committed(versions.subList(HEAD, versions.size()));
        } catch (CommitFailedException e) {
            if (e.failure() == CommitFailedException.Cause.FENCED) {
                return deposed(e.getMessage());
            }
            if (unknown(e)) {
                metrics.unknownOutcome(e.failure() == CommitFailedException.Cause.BAD_VERSION);
                LOG.warn("the outcome of transaction {} ({} writes) is unknown ({}); probing the term's marker", id,
                        writes.size(), e.getMessage());
                return resolve(expected, id);
            }
            return new CommitResult.Refused(e, e.index() < HEAD ? -1 : e.index() - HEAD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommitResult.Ended();
        }
    }

    /**
     * A transaction of only the fence and the marker, for a batch that writes nothing: its answers (refusals,
     * answers from memory) go out only once it shows this instance still leads. Committed when it does.
     */
    CommitResult probe() {
        CommitResult result = commit(List.of());
        return result instanceof CommitResult.Applied || result instanceof CommitResult.NotApplied
                ? new CommitResult.Committed(List.of()) : result;
    }

    /** Waits while the connection is SUSPENDED; false once the term ends. */
    boolean awaitConnected() {
        try {
            return queue.awaitRunnable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean unknown(CommitFailedException e) {
        return e.failure() == CommitFailedException.Cause.CONNECTION
                || (e.failure() == CommitFailedException.Cause.BAD_VERSION && e.index() == 1);
    }

    /** Finds out whether the transaction {@code id}, which expected the marker at {@code expected}, applied. */
    private CommitResult resolve(int expected, String id) {
        long backoff = 50;
        while (awaitConnected()) {
            String probe = nextId();
            metrics.probe();
            try {
                List<Integer> versions = await(store.commitAsync(List.of(new StoreOp.Fence(fence.token()),
                        new StoreOp.Marker(fence.token(), probe, expected))));
                markerVersion = versions.get(1);
                metrics.resolved(false);
                LOG.info("probe {} moved the marker past transaction {}: it did not apply", probe, id);
                return new CommitResult.NotApplied();
            } catch (CommitFailedException e) {
                if (e.failure() == CommitFailedException.Cause.FENCED) {
                    return deposed(e.getMessage());
                }
                if (e.failure() == CommitFailedException.Cause.BAD_VERSION && e.index() == 1) {
                    return moved(id);
                }
                LOG.warn("probe {} for transaction {} failed ({}); probing again", probe, id, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new CommitResult.Ended();
            }
            if (!pause(backoff)) {
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        return new CommitResult.Ended();
    }

    /** The marker moved past the lost transaction's version: its data names who moved it. */
    private CommitResult moved(String id) {
        Optional<Versioned<String>> marker = readMarker();
        if (marker == null) {
            return new CommitResult.Ended();
        }
        if (marker.isEmpty()) {
            return deposed("the term's marker is gone: a later term has started");
        }
        markerVersion = marker.get().version();
        boolean applied = marker.get().value().equals(id);
        metrics.resolved(applied);
        LOG.info("the term's marker names {}: transaction {} {}", marker.get().value(), id,
                applied ? "applied" : "did not apply");
        return applied ? new CommitResult.Applied() : new CommitResult.NotApplied();
    }

    /** The marker, read again until the read answers; null once the term ends. */
    private Optional<Versioned<String>> readMarker() {
        long backoff = 50;
        while (awaitConnected()) {
            try {
                return store.marker(fence.token());
            } catch (LunpoolException e) {
                LOG.warn("reading the term's marker failed ({}); reading again", e.getMessage());
            }
            if (!pause(backoff)) {
                break;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
        return null;
    }

    private CommitResult deposed(String why) {
        LOG.warn("the term fenced by {} is over: {}", fence.token(), why);
        fence.deposed().run();
        return new CommitResult.Deposed(why);
    }

    private String nextId() {
        return Long.toString(++sequence);
    }

    /** Waits between probes (a back-off, not an ordering); false when interrupted by the term's end. */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits for the store's answer; interruptible, so the term's end does not wait on a dead connection. */
    private static List<Integer> await(CompletableFuture<List<Integer>> commit) throws InterruptedException {
        try {
            return commit.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("commit failed: " + e.getCause(), e.getCause());
        }
    }
}
