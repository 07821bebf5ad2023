package io.lunpool.scheduler.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.Volume;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The contract against a real ZooKeeper (curator-test's in-process server), plus ZooKeeper-only behaviour. */
class ZkStateStoreTest extends StateStoreContract {
    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static TestingServer server;
    private static CuratorFramework client;

    private ZkPaths paths;
    private ZkStateStore store;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        server = new TestingServer(true);
        client = newClient();
    }

    @AfterAll
    static void stopZooKeeper() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static CuratorFramework newClient() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.builder()
                .connectString(server.getConnectString())
                .retryPolicy(new ExponentialBackoffRetry(100, 3))
                .build();
        c.start();
        assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).as("connected to ZooKeeper").isTrue();
        return c;
    }

    @BeforeEach
    void freshRoot() {
        paths = new ZkPaths("/lunpool-test-" + ROOTS.incrementAndGet());
        store = ZkStateStore.create(client, paths);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Override
    protected StateStore store() {
        return store;
    }

    @Override
    protected String newFenceToken() {
        try {
            return client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(paths.leader() + "/_c_test-latch-", new byte[0]);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void revokeFenceToken(String token) {
        try {
            client.delete().forPath(token);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void layoutHasSchemaOneAndAFolderPerKindAndIsIdempotent() throws Exception {
        ZkStateStore.ensureLayout(client, paths);
        ZkStateStore.ensureLayout(client, paths);

        assertThat(new String(client.getData().forPath(paths.schema()), StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":1}");
        for (Kind<?> kind : Kind.all()) {
            assertThat(client.checkExists().forPath(paths.folder(kind))).as(kind.folder()).isNotNull();
        }
        assertThat(paths.node(Kind.LUN, "w1")).isEqualTo(paths.root() + "/luns/w1");
        assertThat(new ZkPaths().leader()).isEqualTo("/lunpool/leader");
    }

    @Test
    void anUnknownSchemaVersionIsRefused() throws Exception {
        ZkPaths other = new ZkPaths(paths.root() + "-future");
        client.create().creatingParentsIfNeeded().forPath(other.schema(), "{\"version\":2}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ZkStateStore.create(client, other))
                .isInstanceOfSatisfying(LunpoolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID);
                    assertThat(e.getMessage()).contains("schema version 2").contains("knows only version 1");
                });
        assertThat(client.checkExists().forPath(other.folder(Kind.LUN))).isNull();
    }

    @Test
    void anUnreadableSchemaNodeIsRefused() throws Exception {
        ZkPaths other = new ZkPaths(paths.root() + "-garbled");
        client.create().creatingParentsIfNeeded().forPath(other.schema(), "v1".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ZkStateStore.ensureLayout(client, other))
                .isInstanceOfSatisfying(LunpoolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID);
                    assertThat(e.getMessage()).contains(other.schema()).contains("'v1'");
                });
    }

    @Test
    void aRecordThatDoesNotDecodeIsReportedWithItsPath() throws Exception {
        client.create().forPath(paths.node(Kind.LUN, "w1"), "{\"wwn\":\"w1\",\"colour\":\"red\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.get(Kind.LUN, "w1"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INVALID);
                    assertThat(e.getMessage()).contains(paths.node(Kind.LUN, "w1")).contains("Lun");
                });
    }

    @Test
    void recordsAreCompactJsonWithoutNulls() throws Exception {
        store.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

        String json = new String(client.getData().forPath(paths.node(Kind.LUN, "w1")), StandardCharsets.UTF_8);

        assertThat(json).doesNotContain("null").doesNotContain(" ").doesNotContain("\n").contains("\"state\":\"FREE\"");
    }

    @Test
    void listOf2000RecordsIsCompleteSortedAndFast() {
        int count = 2000;
        List<StoreOp> batch = new ArrayList<>();
        long writeStart = System.nanoTime();
        List<CompletableFuture<List<Integer>>> commits = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("vol-%05d", i);
            batch.add(new StoreOp.Create<>(Kind.VOLUME, name, new Volume(name, "gold", "600a0b8" + i, 1L << 30,
                    Map.of("iops", "500"), T, "req-" + i)));
            if (batch.size() == 250) {
                commits.add(store.commitAsync(List.copyOf(batch)));
                batch.clear();
            }
        }
        commits.forEach(CompletableFuture::join);
        long writeMs = (System.nanoTime() - writeStart) / 1_000_000;

        long listStart = System.nanoTime();
        List<Versioned<Volume>> listed = store.list(Kind.VOLUME);
        long listMs = (System.nanoTime() - listStart) / 1_000_000;
        long secondStart = System.nanoTime();
        int again = store.list(Kind.VOLUME).size();
        long secondMs = (System.nanoTime() - secondStart) / 1_000_000;
        System.out.printf("[store timing] 2000 creates in 8 async commits of 250: %d ms; list of 2000: %d ms"
                + " (second list %d ms)%n", writeMs, listMs, secondMs);

        assertThat(listed).hasSize(count);
        assertThat(again).isEqualTo(count);
        assertThat(listed.get(0).key()).isEqualTo("vol-00000");
        assertThat(listed.get(count - 1).value().requestId()).isEqualTo("req-1999");
        assertThat(listed).extracting(Versioned::key).isSorted();
        assertThat(listMs).as("list of 2000 records in ms").isLessThan(20_000);
    }

    @Test
    void aCommitOf100CreatesIsOneTransaction() {
        store.commit(List.of(new StoreOp.Create<>(Kind.HOST, "warm-up", new Host("warm-up", null, null, null))));
        List<StoreOp> ops = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String wwn = String.format("600a0b8%04d", i);
            ops.add(new StoreOp.Create<>(Kind.LUN, wwn, freeLun(wwn)));
        }

        long start = System.nanoTime();
        List<Integer> versions = store.commit(ops);
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[store timing] commit of 100 creates: %d ms%n", ms);

        assertThat(versions).hasSize(100).containsOnly(0);
        assertThat(store.keys(Kind.LUN)).hasSize(100);
    }

    @Test
    void aCommitOverTheSizeLimitFailsBeforeItIsSent() {
        List<StoreOp> ops = bigHosts(3, 400_000);

        long start = System.nanoTime();
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> store.commit(ops));
        long ms = (System.nanoTime() - start) / 1_000_000;

        assertThat(thrown).isInstanceOfSatisfying(CommitFailedException.class, e -> {
            assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.OTHER);
            assertThat(e.index()).isEqualTo(-1);
            assertThat(e.getMessage()).contains("3 ops").contains("split");
        });
        assertThat(ms).isLessThan(5_000);
        assertThat(store.keys(Kind.HOST)).isEmpty();
        assertThat(store.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))).containsExactly(0);
    }

    @Test
    void anOversizedCommitTheServerDropsIsAConnectionFailureAndTheClientRecovers() {
        ZkStateStore unchecked = new ZkStateStore(client, paths, Integer.MAX_VALUE);
        try {
            long start = System.nanoTime();
            Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                    () -> unchecked.commit(bigHosts(3, 400_000)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[store timing] 1.2 MB multi refused by the server after %d ms: %s%n", ms, thrown);

            assertThat(thrown).isInstanceOfSatisfying(CommitFailedException.class, e -> {
                assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.CONNECTION);
                assertThat(e.index()).isEqualTo(-1);
            });
            assertThat(unchecked.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1")))))
                    .containsExactly(0);
            assertThat(store.keys(Kind.HOST)).isEmpty();
        } finally {
            unchecked.close();
        }
    }

    @Test
    void aFenceFailsOnceTheLeadersSessionIsClosed() throws Exception {
        CuratorFramework leader = newClient();
        String token;
        try {
            token = leader.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(paths.leader() + "/_c_leader-", new byte[0]);
            assertThat(store.commit(List.of(new StoreOp.Fence(token),
                    new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))).containsExactly(-1, 0);
        } finally {
            leader.close();
        }

        CommitFailedException e = failure(store, new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2")),
                new StoreOp.Fence(token));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(e.index()).isEqualTo(1);
        assertThat(store.keys(Kind.LUN)).containsExactly("w1");
    }

    @Test
    void aLeaderLatchsOwnNodeIsTheFenceToken() throws Exception {
        LeaderLatch latch = new LeaderLatch(client, paths.leader(), "scheduler-a");
        latch.start();
        String token;
        try {
            assertThat(latch.await(20, TimeUnit.SECONDS)).as("leadership").isTrue();
            token = latch.getOurPath();
            assertThat(token).startsWith(paths.leader() + "/");
            assertThat(store.commit(List.of(new StoreOp.Fence(token),
                    new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))).containsExactly(-1, 0);
        } finally {
            latch.close();
        }

        CommitFailedException e = failure(store, new StoreOp.Fence(token),
                new StoreOp.Create<>(Kind.LUN, "w2", freeLun("w2")));

        assertThat(e.failure()).isEqualTo(CommitFailedException.Cause.FENCED);
        assertThat(store.keys(Kind.LUN)).containsExactly("w1");
    }

    @Test
    void aSyncCommitChainedOnAnAsyncCommitDoesNotDeadlock() {
        CompletableFuture<List<Integer>> chained = store
                .commitAsync(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))
                .thenApply(v -> store.commit(List.of(new StoreOp.Set<>(Kind.LUN, "w1", freeLun("w1"), v.get(0)))));

        assertThat(chained).succeedsWithin(java.time.Duration.ofSeconds(20)).isEqualTo(List.of(1));
    }

    @Test
    void listLeavesOutRecordsDeletedWhileListing() throws Exception {
        int count = 200;
        List<StoreOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String wwn = String.format("w%04d", i);
            ops.add(new StoreOp.Create<>(Kind.LUN, wwn, freeLun(wwn)));
        }
        store.commit(ops);
        CompletableFuture<Void> deleter = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < count; i++) {
                store.commit(List.of(new StoreOp.Delete(Kind.LUN, String.format("w%04d", i), 0)));
            }
        });

        int lists = 0;
        do {
            List<Versioned<Lun>> listed = store.list(Kind.LUN);
            assertThat(listed).extracting(Versioned::key).isSorted().doesNotHaveDuplicates();
            assertThat(listed).allSatisfy(v -> assertThat(v.value()).isEqualTo(freeLun(v.key())));
            lists++;
        } while (!deleter.isDone());
        deleter.get(30, TimeUnit.SECONDS);

        assertThat(lists).isPositive();
        assertThat(store.list(Kind.LUN)).isEmpty();
    }

    @Test
    void closingTheStoreLeavesTheClientOpen() {
        ZkStateStore other = new ZkStateStore(client, paths);
        other.close();

        assertThat(client.getState()).isEqualTo(CuratorFrameworkState.STARTED);
        assertThat(store.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))).containsExactly(0);
    }

    @Test
    void twoRootsInOneZooKeeperAreIndependent() {
        ZkStateStore other = ZkStateStore.create(client, new ZkPaths(paths.root() + "-b"));
        try {
            store.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))));

            assertThat(other.keys(Kind.LUN)).isEmpty();
            assertThat(other.commit(List.of(new StoreOp.Create<>(Kind.LUN, "w1", freeLun("w1"))))).containsExactly(0);
        } finally {
            other.close();
        }
    }

    private static List<StoreOp> bigHosts(int count, int bytesEach) {
        List<StoreOp> ops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "big-" + i;
            ops.add(new StoreOp.Create<>(Kind.HOST, name,
                    new Host(name, null, Map.of("blob", "x".repeat(bytesEach)), null)));
        }
        return ops;
    }
}
