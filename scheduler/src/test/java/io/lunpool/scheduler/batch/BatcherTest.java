package io.lunpool.scheduler.batch;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.ZkState;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StoreOp;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The batcher on a real ZooKeeper: transactions counted, failures isolated, retries idempotent. */
class BatcherTest {
    private static TestingServer zk;
    private static CuratorFramework client;
    private static int roots;
    private ZkPaths paths;
    private ZkStateStore store;
    private Inventory inventory;
    private Batcher batcher;

    @BeforeAll
    static void server() throws Exception {
        zk = new TestingServer(true);
        client = CuratorClients.start(zk.getConnectString(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopServer() throws Exception {
        client.close();
        zk.close();
    }

    @BeforeEach
    void fresh() {
        paths = new ZkPaths("/batcher" + (++roots));
        store = ZkStateStore.create(client, paths);
        inventory = new Inventory();
    }

    /** A term of its own: an election node of this test's session (the fence) and its opened marker. */
    private TermFence term() {
        try {
            String token = client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL_SEQUENTIAL)
                    .forPath(paths.leader() + "/_c_batcher-test-latch-", new byte[0]);
            return new TermFence(token, store.openTerm(token), () -> { });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        if (batcher != null) {
            batcher.close();
        }
    }

    private void start(int maxBatch) {
        batcher = new Batcher(store, null, new BatchPlanner(Clock.systemUTC()),
                new BatcherSettings(maxBatch, Duration.ofMillis(2), 256 * 1024), inventory, term(), null,
                new MetricRegistry());
    }

    private void seed(String pool, int luns) {
        submitAll(List.of(new Request.PutPool(pool, new PoolPolicy(16L << 20, 0, luns, FsType.EXT4, List.of(), 0))));
        List<Request> adds = new ArrayList<>();
        for (int i = 0; i < luns; i++) {
            adds.add(new Request.AddLun(new Lun(String.format("naa.6%031d", i), pool, LunState.FREE, null,
                    "/nonexistent/" + i, 16L << 20, null)));
        }
        submitAll(adds);
    }

    private List<CompletableFuture<Outcome>> submitAll(List<Request> requests) {
        List<CompletableFuture<Outcome>> futures = requests.stream().map(batcher::submit).toList();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return futures;
    }

    private static Request.CreateVolume create(String name, String pool) {
        return new Request.CreateVolume(name, pool, 0, Map.of(), null, null);
    }

    @Test
    void concurrentCreatesCommitInAboutNOverMaxTransactions() {
        start(50);
        seed("pool1", 1000);
        long before = batcher.transactions();
        batcher.pause();
        List<Request> creates = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            creates.add(create("vol" + i, "pool1"));
        }
        List<CompletableFuture<Outcome>> futures = creates.stream().map(batcher::submit).toList();
        batcher.resume();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        long transactions = batcher.transactions() - before;
        assertThat(transactions).as("1000 creates with max batch 50").isEqualTo(20);
        assertThat(ZkState.assertNoLunClaimedTwice(store)).isEqualTo(1000);
    }

    @Test
    void unbatchedCommitsOneTransactionPerRequest() {
        start(1);
        seed("pool1", 30);
        long before = batcher.transactions();
        List<Request> creates = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            creates.add(create("vol" + i, "pool1"));
        }
        submitAll(creates).forEach(f -> assertThat(f).isCompleted());
        assertThat(batcher.transactions() - before).isEqualTo(30);
    }

    @Test
    void badOpsInABatchFailAloneAndTheRestCommitTogether() {
        start(100);
        seed("pool1", 20);
        long before = batcher.transactions();
        batcher.pause();
        List<Request> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(create("good" + i, "pool1"));
        }
        batch.add(3, create("nopool", "no-such-pool"));
        batch.add(5, new Request.CreateVolume("toobig", "pool1", 1L << 30, Map.of(), null, null));
        batch.add(7, new Request.DeleteVolume("never-created"));
        batch.add(new Request.Detach("never-created", "host1"));
        List<CompletableFuture<Outcome>> futures = batch.stream().map(batcher::submit).toList();
        batcher.resume();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();

        assertThat(reason(futures.get(3))).isEqualTo(Reason.NOT_FOUND);
        assertThat(reason(futures.get(5))).isEqualTo(Reason.INVALID);
        assertThat(reason(futures.get(7))).isEqualTo(Reason.NOT_FOUND);
        assertThat(futures.get(13).join()).isEqualTo(Outcome.DONE);
        assertThat(futures.stream().filter(f -> !f.isCompletedExceptionally()).count()).isEqualTo(11);
        assertThat(batcher.transactions() - before).as("the good creates commit in one transaction").isEqualTo(1);
        assertThat(ZkState.assertNoLunClaimedTwice(store)).isEqualTo(10);
    }

    @Test
    void anOpZooKeeperRefusesFailsAloneAfterTheRecordIsReread() {
        start(100);
        seed("pool1", 20);
        // someone else wrote a volume node the leader's inventory does not know
        store.commit(List.of(new StoreOp.Create<>(Kind.VOLUME, "sneaky",
                new Volume("sneaky", "pool1", "naa.elsewhere", 1, Map.of("iops", "5"), Instant.now(), null))));
        batcher.pause();
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(batcher.submit(create("ok" + i, "pool1")));
        }
        CompletableFuture<Outcome> sneaky = batcher.submit(create("sneaky", "pool1"));
        batcher.resume();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(reason(sneaky)).isEqualTo(Reason.CONFLICT);
        assertThat(store.list(Kind.VOLUME)).hasSize(6);
        assertThat(store.list(Kind.LUN).stream().filter(l -> l.value().state() == LunState.CLAIMED)).hasSize(5);
    }

    @Test
    void retriedCreateWithSameOptionsDoesNotClaimASecondLun() {
        start(100);
        seed("pool1", 5);
        Outcome.VolumeOutcome first = (Outcome.VolumeOutcome) batcher.submit(create("again", "pool1")).join();
        Outcome.VolumeOutcome second = (Outcome.VolumeOutcome) batcher.submit(create("again", "pool1")).join();
        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.volume().lun()).isEqualTo(first.volume().lun());
        batcher.pause();
        CompletableFuture<Outcome> a = batcher.submit(create("twice", "pool1"));
        CompletableFuture<Outcome> b = batcher.submit(create("twice", "pool1"));
        CompletableFuture<Outcome> c = batcher.submit(new Request.CreateVolume("twice", "pool1", 0,
                Map.of("iops", "100"), null, null));
        batcher.resume();
        assertThat(((Outcome.VolumeOutcome) a.join()).volume().lun())
                .isEqualTo(((Outcome.VolumeOutcome) b.join()).volume().lun());
        assertThat(reason(c)).isEqualTo(Reason.CONFLICT);
        assertThat(ZkState.assertNoLunClaimedTwice(store)).isEqualTo(2);
    }

    @Test
    void secondHostIsRefusedWithoutPreemptAndTakesOverWithIt() {
        start(100);
        seed("pool1", 2);
        batcher.submit(create("shared", "pool1")).join();
        batcher.submit(new Request.Attach("shared", "host-a", List.of("wwpn-a"), false)).join();
        Throwable refused = catchThrowable(() -> batcher.submit(new Request.Attach("shared", "host-b",
                List.of(), false)).join());
        assertThat(refused.getCause()).isInstanceOf(LunpoolException.class).hasMessageContaining("host-a");
        Throwable busy = catchThrowable(() -> batcher.submit(new Request.DeleteVolume("shared")).join());
        assertThat(((LunpoolException) busy.getCause()).reason()).isEqualTo(Reason.IN_USE);
        Outcome.AttachmentOutcome taken = (Outcome.AttachmentOutcome) batcher.submit(
                new Request.Attach("shared", "host-b", List.of(), true)).join();
        assertThat(taken.attachment().host()).isEqualTo("host-b");
        assertThat(taken.attachment().preemptedHost()).isEqualTo("host-a");
        // the old host's late detach must not drop the new host's attachment
        batcher.submit(new Request.Detach("shared", "host-a")).join();
        assertThat(store.get(Kind.ATTACHMENT, "shared")).get().satisfies(a -> assertThat(a.value().host())
                .isEqualTo("host-b"));
        batcher.submit(new Request.Detach("shared", "host-b")).join();
        batcher.submit(new Request.DeleteVolume("shared")).join();
        assertThat(store.list(Kind.LUN).stream().filter(l -> l.value().state() == LunState.WIPING)).hasSize(1);
    }

    private static Reason reason(CompletableFuture<Outcome> f) {
        Throwable t = catchThrowable(() -> f.get(30, TimeUnit.SECONDS));
        assertThat(t).as("request should have failed").isNotNull();
        Throwable cause = t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException
                ? t.getCause() : t;
        return ((LunpoolException) cause).reason();
    }
}
