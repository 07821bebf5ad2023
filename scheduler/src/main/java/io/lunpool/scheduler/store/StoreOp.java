package io.lunpool.scheduler.store;

/**
 * One write of a transaction. A transaction applies all its ops or none; each op sees the effects of the
 * ops before it in the same transaction. An {@code expectedVersion} of -1 matches any version, as in ZooKeeper.
 */
public sealed interface StoreOp {
    /** Creates a record; fails with NODE_EXISTS when the key is taken. */
    record Create<T>(Kind<T> kind, String key, T value) implements StoreOp {
    }

    /** Replaces a record; fails with BAD_VERSION unless it is at {@code expectedVersion}, NO_NODE if absent. */
    record Set<T>(Kind<T> kind, String key, T value, int expectedVersion) implements StoreOp {
    }

    /** Deletes a record at {@code expectedVersion}. */
    record Delete(Kind<?> kind, String key, int expectedVersion) implements StoreOp {
    }

    /**
     * Fails the transaction with FENCED unless the fencing token is still valid. In ZooKeeper the token is the
     * absolute path of the leader's ephemeral election node (Curator's {@code LeaderLatch} node).
     */
    record Fence(String token) implements StoreOp {
    }

    /**
     * Moves the marker of the term fenced by {@code fenceToken} on: its data becomes {@code id}, its version goes
     * up by one. Fails with BAD_VERSION unless the marker is at {@code expectedVersion}, and with FENCED once the
     * marker is gone (a later term's start removes the markers of terms whose election node is gone). Every
     * transaction of a term carries one right after its Fence, so a transaction applies only if the term's
     * previous one is accounted for, and the marker's data names the last transaction that applied.
     */
    record Marker(String fenceToken, String id, int expectedVersion) implements StoreOp {
    }
}
