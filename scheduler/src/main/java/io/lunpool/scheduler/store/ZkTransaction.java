package io.lunpool.scheduler.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;

/**
 * Turns a list of {@link StoreOp}s into one asynchronous ZooKeeper multi and its outcome into versions or a
 * {@link CommitFailedException} naming the op that failed. The ZooKeeper event thread only computes the
 * (small) result; the caller's future is completed on {@code completer}, so code chained on it never runs
 * on, or blocks, the event thread.
 */
final class ZkTransaction {
    /** Bytes a multi adds besides each op's path and data: request header, end marker, slack. */
    private static final int TRANSACTION_OVERHEAD = 64;
    /** Per op: op header, length prefixes, version, flags and one open ACL, rounded up. */
    private static final int OP_OVERHEAD = 64;

    private final CuratorFramework client;
    private final ZkPaths paths;
    private final RecordCodec codec;
    private final int maxBytes;
    private final Executor completer;

    ZkTransaction(CuratorFramework client, ZkPaths paths, RecordCodec codec, int maxBytes, Executor completer) {
        this.client = client;
        this.paths = paths;
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.completer = completer;
    }

    CompletableFuture<List<Integer>> commit(List<StoreOp> ops) {
        if (ops.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CuratorOp> curatorOps = new ArrayList<>(ops.size());
        long bytes = TRANSACTION_OVERHEAD;
        for (int i = 0; i < ops.size(); i++) {
            StoreOp op = ops.get(i);
            try {
                byte[] data = op instanceof StoreOp.Create<?> c ? codec.encode(c.value())
                        : op instanceof StoreOp.Set<?> s ? codec.encode(s.value())
                        : op instanceof StoreOp.Marker m ? m.id().getBytes(StandardCharsets.UTF_8) : new byte[0];
                String path = path(op);
                curatorOps.add(toCurator(op, path, data));
                bytes += OP_OVERHEAD + path.getBytes(StandardCharsets.UTF_8).length + data.length;
            } catch (Exception e) {
                CommitFailedException.Cause cause = op instanceof StoreOp.Fence || op instanceof StoreOp.Marker
                        ? CommitFailedException.Cause.FENCED : CommitFailedException.Cause.OTHER;
                return CompletableFuture.failedFuture(new CommitFailedException(i, cause,
                        "commit refused op " + i + " (" + OpText.describe(op) + "): " + e.getMessage(), e));
            }
        }
        if (bytes > maxBytes) {
            return CompletableFuture.failedFuture(new CommitFailedException(-1, CommitFailedException.Cause.OTHER,
                    "commit of " + ops.size() + " ops is about " + bytes + " bytes, over the " + maxBytes
                            + "-byte limit of one ZooKeeper transaction (jute.maxbuffer); split it into smaller commits",
                    null));
        }
        CompletableFuture<List<Integer>> future = new CompletableFuture<>();
        try {
            client.transaction()
                    .inBackground((c, event) -> completeOn(future, outcome(ops, event)))
                    .forOperations(curatorOps);
        } catch (Exception e) {
            future.completeExceptionally(new CommitFailedException(-1, CommitFailedException.Cause.OTHER,
                    "commit of " + ops.size() + " ops could not be sent to ZooKeeper: " + e, e));
        }
        return future;
    }

    private String path(StoreOp op) {
        if (op instanceof StoreOp.Create<?> c) {
            return paths.node(c.kind(), c.key());
        } else if (op instanceof StoreOp.Set<?> s) {
            return paths.node(s.kind(), s.key());
        } else if (op instanceof StoreOp.Delete d) {
            return paths.node(d.kind(), d.key());
        } else if (op instanceof StoreOp.Marker m) {
            return paths.term(m.fenceToken());
        }
        return ((StoreOp.Fence) op).token();
    }

    private CuratorOp toCurator(StoreOp op, String path, byte[] data) throws Exception {
        if (op instanceof StoreOp.Create<?>) {
            return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(path, data);
        } else if (op instanceof StoreOp.Set<?> s) {
            return client.transactionOp().setData().withVersion(s.expectedVersion()).forPath(path, data);
        } else if (op instanceof StoreOp.Delete d) {
            return client.transactionOp().delete().withVersion(d.expectedVersion()).forPath(path);
        } else if (op instanceof StoreOp.Marker m) {
            return client.transactionOp().setData().withVersion(m.expectedVersion()).forPath(path, data);
        }
        return client.transactionOp().check().withVersion(-1).forPath(path);
    }

    /** Runs on the ZooKeeper event thread: cheap, never blocks. */
    private static Object outcome(List<StoreOp> ops, CuratorEvent event) {
        List<CuratorTransactionResult> results = event.getOpResults();
        if (event.getResultCode() != Code.OK.intValue()) {
            return failure(ops, event.getResultCode(), results);
        }
        if (results == null || results.size() != ops.size()) {
            return new CommitFailedException(-1, CommitFailedException.Cause.OTHER, "ZooKeeper answered a commit of "
                    + ops.size() + " ops with " + (results == null ? "no" : results.size()) + " results", null);
        }
        List<Integer> versions = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            StoreOp op = ops.get(i);
            versions.add(op instanceof StoreOp.Create<?> ? 0
                    : op instanceof StoreOp.Set<?> || op instanceof StoreOp.Marker
                    ? results.get(i).getResultStat().getVersion() : -1);
        }
        return List.copyOf(versions);
    }

    static CommitFailedException failure(List<StoreOp> ops, int rc, List<CuratorTransactionResult> results) {
        Code code = Code.get(rc);
        if (code == Code.CONNECTIONLOSS || code == Code.SESSIONEXPIRED || code == Code.SESSIONMOVED
                || code == Code.OPERATIONTIMEOUT || code == Code.REQUESTTIMEOUT) {
            return new CommitFailedException(-1, CommitFailedException.Cause.CONNECTION, "commit of " + ops.size()
                    + " ops got " + code + " from ZooKeeper; it may or may not have been applied, so re-read and retry",
                    null);
        }
        int index = -1;
        if (results != null) {
            for (int i = 0; i < results.size() && i < ops.size(); i++) {
                int err = results.get(i).getError();
                if (err != Code.OK.intValue() && err != Code.RUNTIMEINCONSISTENCY.intValue()) {
                    index = i;
                    code = Code.get(err);
                    break;
                }
            }
        }
        boolean fence = index >= 0 && ops.get(index) instanceof StoreOp.Fence;
        boolean marker = index >= 0 && ops.get(index) instanceof StoreOp.Marker;
        CommitFailedException.Cause cause = code == null ? CommitFailedException.Cause.OTHER : switch (code) {
            case NODEEXISTS -> CommitFailedException.Cause.NODE_EXISTS;
            case NONODE -> fence || marker ? CommitFailedException.Cause.FENCED : CommitFailedException.Cause.NO_NODE;
            case BADVERSION -> fence ? CommitFailedException.Cause.FENCED : CommitFailedException.Cause.BAD_VERSION;
            default -> CommitFailedException.Cause.OTHER;
        };
        String what = index < 0 ? "" : " at op " + index + " (" + OpText.describe(ops.get(index)) + ")";
        return new CommitFailedException(index, cause, "commit of " + ops.size() + " ops refused" + what + ": "
                + cause + " (ZooKeeper " + (code == null ? "error " + rc : code) + "); nothing was applied", null);
    }

    @SuppressWarnings("unchecked")
    private void completeOn(CompletableFuture<List<Integer>> future, Object outcome) {
        Runnable complete = () -> {
            if (outcome instanceof CommitFailedException e) {
                future.completeExceptionally(e);
            } else {
                future.complete((List<Integer>) outcome);
            }
        };
        try {
            completer.execute(complete);
        } catch (RejectedExecutionException e) {
            complete.run();
        }
    }
}
