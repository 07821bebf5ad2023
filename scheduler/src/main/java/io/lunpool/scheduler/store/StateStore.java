package io.lunpool.scheduler.store;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The control plane's state: pools, LUNs, volumes, attachments and hosts, each a versioned record under
 * its kind. {@link ZkStateStore} keeps it in ZooKeeper; the tests' in-memory store passes the same
 * contract tests, for unit tests of the logic above it.
 */
public interface StateStore extends AutoCloseable {
    <T> Optional<Versioned<T>> get(Kind<T> kind, String key);

    /** Keys of every record of a kind, sorted. */
    List<String> keys(Kind<?> kind);

    /** Every record of a kind, sorted by key; records deleted while listing are left out. */
    <T> List<Versioned<T>> list(Kind<T> kind);

    /**
     * Applies the ops atomically. The future completes with the new version of each op's record (the marker's
     * for a Marker, -1 for Delete and Fence), or fails with {@link CommitFailedException}.
     */
    CompletableFuture<List<Integer>> commitAsync(List<StoreOp> ops);

    default List<Integer> commit(List<StoreOp> ops) {
        try {
            return commitAsync(ops).join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /**
     * Opens the term fenced by {@code fenceToken} (the leader's election node): creates the term's marker unless
     * it exists, deletes the markers of terms whose election node is gone, and returns the marker's version.
     * Throws TRANSIENT when the election node itself is gone (this instance no longer leads) or the store
     * cannot be reached.
     */
    int openTerm(String fenceToken);

    /**
     * The term's marker: the id the last {@link StoreOp.Marker} of the term wrote, at the marker's version; empty
     * once the marker is gone. Read after a transaction of the term, it shows that transaction's effect.
     */
    Optional<Versioned<String>> marker(String fenceToken);

    /** The Mesos framework id, once the framework has subscribed. */
    Optional<String> frameworkId();

    void setFrameworkId(String id);

    @Override
    void close();
}
