package io.lunpool.scheduler.store;

import io.lunpool.core.LunpoolException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The {@link StateStore} in ZooKeeper, one znode of compact JSON per record under {@link ZkPaths}. A
 * commit is one asynchronous multi-op; a version is the znode's data version; a Fence op is a
 * {@code check} of the leader's ephemeral election node, whose absolute path is the token.
 *
 * <p>Curator resends a multi after a connection loss. If the first attempt had been applied, the resend
 * fails with NODE_EXISTS or BAD_VERSION although the caller's own write is in place; callers that must tell
 * the two apart compare the stored record (a volume's requestId) before reporting a conflict.
 *
 * <p>The Curator client must be started and have no namespace; {@link #close()} leaves it open.
 */
public final class ZkStateStore implements StateStore {
    /** Default cap on one commit's size, below ZooKeeper's 1 MiB {@code jute.maxbuffer} with headroom. */
    public static final int DEFAULT_MAX_TRANSACTION_BYTES = 1_000_000;
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(60);

    private final CuratorFramework client;
    private final ZkPaths paths;
    private final RecordCodec codec = new RecordCodec();
    private final ExecutorService completer;
    private final ZkTransaction transaction;

    public ZkStateStore(CuratorFramework client, ZkPaths paths) {
        this(client, paths, DEFAULT_MAX_TRANSACTION_BYTES);
    }

    /** {@code maxTransactionBytes} caps a commit's estimated size; bigger commits fail before they are sent. */
    public ZkStateStore(CuratorFramework client, ZkPaths paths, int maxTransactionBytes) {
        this.client = client;
        this.paths = paths;
        AtomicInteger threads = new AtomicInteger();
        this.completer = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lunpool-store-completion-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.transaction = new ZkTransaction(client, paths, codec, maxTransactionBytes, completer);
    }

    /** Ensures the layout (see {@link #ensureLayout}) and returns a store on it. */
    public static ZkStateStore create(CuratorFramework client, ZkPaths paths) {
        ensureLayout(client, paths);
        return new ZkStateStore(client, paths);
    }

    /**
     * Creates the root, the schema node and the folders if missing. Throws INVALID when the root holds a
     * schema version this code does not know, TRANSIENT when ZooKeeper cannot be reached.
     */
    public static void ensureLayout(CuratorFramework client, ZkPaths paths) {
        ZkLayout.ensure(client, paths);
    }

    public ZkPaths paths() {
        return paths;
    }

    @Override
    public <T> Optional<Versioned<T>> get(Kind<T> kind, String key) {
        String path = paths.node(kind, key);
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw readFailed(path, e);
        }
        return Optional.of(new Versioned<>(key, codec.decode(kind.type(), data, path), stat.getVersion()));
    }

    @Override
    public List<String> keys(Kind<?> kind) {
        String path = paths.folder(kind);
        try {
            List<String> keys = new ArrayList<>(client.getChildren().forPath(path));
            keys.sort(null);
            return keys;
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw readFailed(path, e);
        }
    }

    /** Reads all records at once with asynchronous getData calls; decoding happens on the caller's thread. */
    @Override
    public <T> List<Versioned<T>> list(Kind<T> kind) {
        List<String> keys = keys(kind);
        List<CompletableFuture<CuratorEvent>> reads = new ArrayList<>(keys.size());
        for (String key : keys) {
            CompletableFuture<CuratorEvent> read = new CompletableFuture<>();
            reads.add(read);
            try {
                client.getData().inBackground((c, event) -> read.complete(event)).forPath(paths.node(kind, key));
            } catch (Exception e) {
                read.completeExceptionally(e);
            }
        }
        long deadline = System.nanoTime() + LIST_TIMEOUT.toNanos();
        List<Versioned<T>> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String path = paths.node(kind, keys.get(i));
            CuratorEvent event;
            try {
                event = reads.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw readFailed(path, new IllegalStateException("no answer within " + LIST_TIMEOUT, e));
            } catch (Exception e) {
                throw readFailed(path, e);
            }
            KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
            if (code == KeeperException.Code.NONODE) {
                continue;
            }
            if (code != KeeperException.Code.OK) {
                throw readFailed(path, KeeperException.create(code, path));
            }
            out.add(new Versioned<>(keys.get(i), codec.decode(kind.type(), event.getData(), path),
                    event.getStat().getVersion()));
        }
        return out;
    }

    @Override
    public CompletableFuture<List<Integer>> commitAsync(List<StoreOp> ops) {
        return transaction.commit(ops);
    }

    @Override
    public int openTerm(String fenceToken) {
        String marker = paths.term(fenceToken);
        try {
            try {
                client.create().creatingParentsIfNeeded().forPath(marker, new byte[0]);
            } catch (KeeperException.NodeExistsException e) {
                // a retried start of the same term keeps the marker and its version
            }
            java.util.Set<String> live = new java.util.HashSet<>(client.getChildren().forPath(paths.leader()));
            for (String term : client.getChildren().forPath(paths.terms())) {
                if (!live.contains(term)) {
                    try {
                        client.delete().forPath(paths.terms() + "/" + term);
                    } catch (KeeperException.NoNodeException e) {
                        // another term start removed it first
                    }
                }
            }
            Stat stat = client.checkExists().forPath(marker);
            if (stat == null) {
                throw LunpoolException.transientError("the election node " + fenceToken + " is gone, so its term"
                        + " cannot open: this instance no longer leads; the next leader serves the requests", null);
            }
            return stat.getVersion();
        } catch (LunpoolException e) {
            throw e;
        } catch (Exception e) {
            throw readFailed(marker, e);
        }
    }

    @Override
    public Optional<Versioned<String>> marker(String fenceToken) {
        String path = paths.term(fenceToken);
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            return Optional.of(new Versioned<>(ZkPaths.termName(fenceToken),
                    data == null ? "" : new String(data, StandardCharsets.UTF_8), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw readFailed(path, e);
        }
    }

    @Override
    public Optional<String> frameworkId() {
        try {
            byte[] data = client.getData().forPath(paths.framework());
            return data == null || data.length == 0 ? Optional.empty()
                    : Optional.of(new String(data, StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw readFailed(paths.framework(), e);
        }
    }

    @Override
    public void setFrameworkId(String id) {
        if (id == null || id.isBlank()) {
            throw LunpoolException.invalid("the Mesos framework id must not be empty");
        }
        try {
            client.create().orSetData().creatingParentsIfNeeded()
                    .forPath(paths.framework(), id.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw LunpoolException.transientError("writing the framework id to " + paths.framework()
                    + " failed: " + e + "; retry once ZooKeeper is reachable", e);
        }
    }

    /** Stops the completion threads; the Curator client stays open (its owner closes it). */
    @Override
    public void close() {
        completer.shutdown();
    }

    private static LunpoolException readFailed(String path, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return LunpoolException.transientError("reading " + path + " from ZooKeeper failed: " + e
                + "; retry once ZooKeeper is reachable", e);
    }
}
