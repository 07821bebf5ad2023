package io.lunpool.scheduler.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link StateStore} in memory with ZooKeeper's semantics: all-or-nothing commits (every op is checked
 * against the state the earlier ops of the same commit leave, then all are applied), data versions
 * (create 0, each set +1, expected version -1 matches any), sorted keys, fencing tokens that
 * {@link #revoke} invalidates like a lost election node, and term markers that a term's opening removes
 * once their token is revoked. Records are kept as the JSON {@link RecordCodec}
 * writes and decoded on each read, so a record that does not survive the round trip fails here too.
 * Commits complete before {@link #commitAsync} returns.
 */
public final class InMemoryStateStore implements StateStore {
    private record Node(byte[] data, int version) {
    }

    /** A record's place; a term marker's has no kind and its fence token as the key. */
    private record Path(Kind<?> kind, String key) {
    }

    private final RecordCodec codec = new RecordCodec();
    private final Map<Kind<?>, TreeMap<String, Node>> folders = new HashMap<>();
    private final Set<String> fenceTokens = new HashSet<>();
    private final Map<String, Node> markers = new HashMap<>();
    private final AtomicLong tokenCounter = new AtomicLong();
    private String frameworkId;

    public InMemoryStateStore() {
        for (Kind<?> kind : Kind.all()) {
            folders.put(kind, new TreeMap<>());
        }
    }

    /** A new valid fencing token, as a newly elected leader's election node. */
    public synchronized String newFenceToken() {
        String token = "/lunpool/leader/_c_in-memory-latch-" + String.format("%010d", tokenCounter.getAndIncrement());
        fenceTokens.add(token);
        return token;
    }

    /** Invalidates a token, as when the leader's session ends; commits fenced by it then fail with FENCED. */
    public synchronized void revoke(String token) {
        fenceTokens.remove(token);
    }

    @Override
    public synchronized <T> Optional<Versioned<T>> get(Kind<T> kind, String key) {
        Node node = folders.get(kind).get(ZkPaths.checkKey(key));
        return node == null ? Optional.empty() : Optional.of(decode(kind, key, node));
    }

    @Override
    public synchronized List<String> keys(Kind<?> kind) {
        return new ArrayList<>(folders.get(kind).keySet());
    }

    @Override
    public synchronized <T> List<Versioned<T>> list(Kind<T> kind) {
        List<Versioned<T>> out = new ArrayList<>();
        folders.get(kind).forEach((key, node) -> out.add(decode(kind, key, node)));
        return out;
    }

    @Override
    public CompletableFuture<List<Integer>> commitAsync(List<StoreOp> ops) {
        List<byte[]> encoded = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            StoreOp op = ops.get(i);
            try {
                encoded.add(op instanceof StoreOp.Create<?> c ? codec.encode(c.value())
                        : op instanceof StoreOp.Set<?> s ? codec.encode(s.value())
                        : op instanceof StoreOp.Marker m ? m.id().getBytes(StandardCharsets.UTF_8) : null);
                if (op instanceof StoreOp.Marker m) {
                    ZkPaths.checkKey(ZkPaths.termName(m.fenceToken()));
                } else if (!(op instanceof StoreOp.Fence)) {
                    ZkPaths.checkKey(path(op).key());
                }
            } catch (RuntimeException e) {
                CommitFailedException.Cause cause = op instanceof StoreOp.Marker
                        ? CommitFailedException.Cause.FENCED : CommitFailedException.Cause.OTHER;
                return CompletableFuture.failedFuture(new CommitFailedException(i, cause,
                        "commit refused op " + i + " (" + OpText.describe(op) + "): " + e.getMessage(), e));
            }
        }
        synchronized (this) {
            Map<Path, Optional<Node>> staged = new HashMap<>();
            List<Integer> versions = new ArrayList<>(ops.size());
            for (int i = 0; i < ops.size(); i++) {
                StoreOp op = ops.get(i);
                CommitFailedException.Cause refused = stage(op, encoded.get(i), staged, versions);
                if (refused != null) {
                    return CompletableFuture.failedFuture(new CommitFailedException(i, refused, "commit of "
                            + ops.size() + " ops refused at op " + i + " (" + OpText.describe(op) + "): " + refused
                            + "; nothing was applied", null));
                }
            }
            staged.forEach((path, node) -> {
                if (path.kind() == null) {
                    markers.put(path.key(), node.orElseThrow());
                } else if (node.isPresent()) {
                    folders.get(path.kind()).put(path.key(), node.get());
                } else {
                    folders.get(path.kind()).remove(path.key());
                }
            });
            return CompletableFuture.completedFuture(List.copyOf(versions));
        }
    }

    /** Checks one op against the state so far and records its effect; returns why it fails, or null. */
    private CommitFailedException.Cause stage(StoreOp op, byte[] data, Map<Path, Optional<Node>> staged,
                                              List<Integer> versions) {
        if (op instanceof StoreOp.Fence f) {
            versions.add(-1);
            return fenceTokens.contains(f.token()) ? null : CommitFailedException.Cause.FENCED;
        }
        Path path = path(op);
        Optional<Node> current = staged.containsKey(path) ? staged.get(path) : Optional.ofNullable(
                path.kind() == null ? markers.get(path.key()) : folders.get(path.kind()).get(path.key()));
        if (op instanceof StoreOp.Marker m) {
            if (current.isEmpty()) {
                return CommitFailedException.Cause.FENCED;
            }
            if (m.expectedVersion() != -1 && m.expectedVersion() != current.get().version()) {
                return CommitFailedException.Cause.BAD_VERSION;
            }
            int version = current.get().version() + 1;
            staged.put(path, Optional.of(new Node(data, version)));
            versions.add(version);
            return null;
        }
        if (op instanceof StoreOp.Create<?>) {
            if (current.isPresent()) {
                return CommitFailedException.Cause.NODE_EXISTS;
            }
            staged.put(path, Optional.of(new Node(data, 0)));
            versions.add(0);
            return null;
        }
        int expected = op instanceof StoreOp.Set<?> s ? s.expectedVersion() : ((StoreOp.Delete) op).expectedVersion();
        if (current.isEmpty()) {
            return CommitFailedException.Cause.NO_NODE;
        }
        if (expected != -1 && expected != current.get().version()) {
            return CommitFailedException.Cause.BAD_VERSION;
        }
        if (op instanceof StoreOp.Set<?>) {
            int version = current.get().version() + 1;
            staged.put(path, Optional.of(new Node(data, version)));
            versions.add(version);
        } else {
            staged.put(path, Optional.empty());
            versions.add(-1);
        }
        return null;
    }

    private static Path path(StoreOp op) {
        if (op instanceof StoreOp.Create<?> c) {
            return new Path(c.kind(), c.key());
        } else if (op instanceof StoreOp.Set<?> s) {
            return new Path(s.kind(), s.key());
        } else if (op instanceof StoreOp.Marker m) {
            return new Path(null, m.fenceToken());
        }
        StoreOp.Delete d = (StoreOp.Delete) op;
        return new Path(d.kind(), d.key());
    }

    private <T> Versioned<T> decode(Kind<T> kind, String key, Node node) {
        return new Versioned<>(key, codec.decode(kind.type(), node.data(), kind + "/" + key), node.version());
    }

    @Override
    public synchronized int openTerm(String fenceToken) {
        markers.putIfAbsent(fenceToken, new Node(new byte[0], 0));
        markers.keySet().retainAll(fenceTokens);
        Node marker = markers.get(fenceToken);
        if (marker == null) {
            throw io.lunpool.core.LunpoolException.transientError("the election node " + fenceToken
                    + " is gone, so its term cannot open: this instance no longer leads", null);
        }
        return marker.version();
    }

    @Override
    public synchronized Optional<Versioned<String>> marker(String fenceToken) {
        Node marker = markers.get(fenceToken);
        return marker == null ? Optional.empty() : Optional.of(new Versioned<>(ZkPaths.termName(fenceToken),
                new String(marker.data(), StandardCharsets.UTF_8), marker.version()));
    }

    @Override
    public synchronized Optional<String> frameworkId() {
        return Optional.ofNullable(frameworkId);
    }

    @Override
    public synchronized void setFrameworkId(String id) {
        if (id == null || id.isBlank()) {
            throw io.lunpool.core.LunpoolException.invalid("the Mesos framework id must not be empty");
        }
        frameworkId = id;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
