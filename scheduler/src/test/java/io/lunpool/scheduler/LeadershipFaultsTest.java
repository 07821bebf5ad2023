package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lunpool.backend.plugin.Await;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.BatcherSettings;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.leader.Leadership;
import io.lunpool.scheduler.leader.TermStarter;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.MetricRegistryListener;
import io.lunpool.scheduler.array.LoopArray;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Leadership under faults on a real ZooKeeper: a deposed leader that still believes it leads, term starts that
 * fail, and a leader whose session expires while a follower runs.
 */
class LeadershipFaultsTest {
    @RegisterExtension
    final ZooKeeperExtension zk = new ZooKeeperExtension();

    @Test
    void aDeposedLeadersRefusalIsTransientNeverAStaleInUse() throws Exception {
        ZkPaths paths = new ZkPaths("/deposed");
        ControlPlaneFixture a = zk.controlPlane(paths, "http://a.test:7480", null, null);
        LeaderTerm aTerm = a.awaitLeader(Duration.ofSeconds(20));
        seed(a, aTerm, "gold", 4);
        a.controlPlane.createVolume(new CreateVolumeRequest("v1", "gold", null, Map.of(), null));
        a.controlPlane.attach("v1", new AttachRequest("host-a", List.of(), false));
        ControlPlaneFixture b = zk.controlPlane(paths, "http://b.test:7480", null, null);

        // a's election node goes while a's latch still holds the lead: a believes it leads, b takes over
        CuratorFramework admin = zk.curator();
        admin.delete().forPath(electionNodeOf(admin, paths, "http://a.test:7480"));
        b.awaitLeader(Duration.ofSeconds(20));
        b.controlPlane.detach("v1", "host-a");
        assertThat(aTerm.inventory().attachment("v1")).as("a's memory is stale").isPresent();

        Throwable refused = catchThrowable(() -> a.controlPlane.attach("v1",
                new AttachRequest("host-b", List.of(), false)));
        Throwable deleteRefused = catchThrowable(() -> a.controlPlane.deleteVolume("v1"));

        assertThat(refused).as("a deposed leader answers TRANSIENT, not its stale IN_USE")
                .isInstanceOfSatisfying(LunpoolException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.TRANSIENT);
                    assertThat(e.getMessage()).contains("no longer leads");
                });
        assertThat(deleteRefused).satisfiesAnyOf(
                e -> assertThat(e).isInstanceOf(NotLeaderException.class),
                e -> assertThat(((LunpoolException) e).reason()).isEqualTo(Reason.TRANSIENT));
        Await.until("a gives its term up and follows b", Duration.ofSeconds(20),
                () -> a.controlPlane.leaderTerm().isEmpty()
                        && a.controlPlane.leader().leader() != null
                        && a.controlPlane.leader().leader().equals("http://b.test:7480"));
        assertThat(b.controlPlane.attach("v1", new AttachRequest("host-b", List.of(), false)).host())
                .isEqualTo("host-b");
        assertThat(b.store.get(Kind.ATTACHMENT, "v1").orElseThrow().value().host()).isEqualTo("host-b");
    }

    @Test
    void aTermStartThatFailsTwiceIsRetriedWithANewLatchAndLeads() throws Exception {
        ZkPaths paths = new ZkPaths("/retry");
        CuratorFramework client = zk.curator();
        ZkStateStore store = ZkStateStore.create(client, paths);
        TermStarter real = new TermStarter(store, null, null, BatcherSettings.DEFAULT, 1, Duration.ZERO,
                Clock.systemUTC(), new MetricRegistry());
        List<String> tokens = new CopyOnWriteArrayList<>();
        List<Long> startedAt = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        Leadership leadership = zk.closeAtEnd(new Leadership(client, paths.leader(), "http://r.test:7480",
                (token, deposed) -> {
                    tokens.add(token);
                    startedAt.add(System.nanoTime());
                    if (failures.getAndIncrement() < 2) {
                        throw new IllegalStateException("injected term start failure " + failures.get());
                    }
                    return real.start(token, deposed);
                }, null));

        leadership.start();
        Await.until("the third term start leads", Duration.ofSeconds(30), leadership::isLeader);

        System.out.printf("[term retry] starts %d, tokens %s, waits %d ms and %d ms%n", tokens.size(), tokens,
                (startedAt.get(1) - startedAt.get(0)) / 1_000_000, (startedAt.get(2) - startedAt.get(1)) / 1_000_000);
        assertThat(tokens).as("one start per latch, each with a new election node").hasSize(3).doesNotHaveDuplicates();
        assertThat(startedAt.get(1) - startedAt.get(0)).as("first back-off")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));
        assertThat(startedAt.get(2) - startedAt.get(1)).as("the back-off doubles")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1900));
        assertThat(client.getChildren().forPath(paths.leader())).as("the failed latches left the election")
                .containsExactly(tokens.get(2).substring(paths.leader().length() + 1));
        assertThat(leadership.leaderUrl()).contains("http://r.test:7480");
        assertThat(store.commit(List.of(new io.lunpool.scheduler.store.StoreOp.Fence(tokens.get(2))))).hasSize(1);
    }

    @Test
    void aTermStartThatFailsHalfWayStopsWhatItStartedAndLeadsOnTheNextTry(@TempDir Path arrayDir) throws Exception {
        Set<Long> before = threads("lunpool-batcher");
        // the maintainer is built after the batcher: failing it (twice) is a term start that fails half-way
        AtomicInteger maintainers = new AtomicInteger();
        MetricRegistry metrics = new MetricRegistry();
        metrics.addListener(new MetricRegistryListener.Base() {
            @Override
            public void onCounterAdded(String name, Counter counter) {
                if (name.equals("lunpool.pool.luns-adopted") && maintainers.incrementAndGet() <= 2) {
                    metrics.remove(name);
                    throw new IllegalStateException("the maintainer cannot start (injected, start "
                            + maintainers.get() + ")");
                }
            }
        });
        ControlPlaneFixture cp = zk.closeAtEnd(new ControlPlaneFixture(
                CuratorClients.start(zk.connectString(), Duration.ofSeconds(4)), new ZkPaths("/halfway"),
                "http://h.test:7480", new LoopArray(arrayDir), null,
                ControlPlaneFixture.manualSettings(), metrics));

        LeaderTerm term = cp.awaitLeader(Duration.ofSeconds(30));

        Set<Long> batchers = threads("lunpool-batcher");
        batchers.removeAll(before);
        System.out.printf("[half-way term start] maintainers built %d times, batcher threads of this instance: %d%n",
                maintainers.get(), batchers.size());
        assertThat(maintainers.get()).as("two failed starts, then one that leads").isEqualTo(3);
        assertThat(batchers).as("the failed terms' batcher threads are gone").hasSize(1);
        assertThat(term.maintainer()).isNotNull();
        cp.pool("gold", "16M", 0, 1, "ext4", 0);
        assertThat(cp.controlPlane.pool("gold").policy().maxFree()).isEqualTo(1);
    }

    @Test
    void aLeaderWhoseSessionExpiresNeverNamesItselfAndFollowsTheNewLeader() throws Exception {
        ZkPaths paths = new ZkPaths("/expiry");
        ZooKeeperProxy proxy = zk.closeAtEnd(new ZooKeeperProxy(zk.connectString()));
        ControlPlaneFixture a = zk.closeAtEnd(new ControlPlaneFixture(proxy.connectString(), paths,
                "http://a.test:7480", null, null, ControlPlaneFixture.manualSettings()));
        a.awaitLeader(Duration.ofSeconds(20));
        ControlPlaneFixture b = zk.controlPlane(paths, "http://b.test:7480", null, null);
        Await.until("b sees a lead", Duration.ofSeconds(20),
                () -> "http://a.test:7480".equals(b.controlPlane.leader().leader()));

        proxy.blackHole();
        Await.until("a steps down", Duration.ofSeconds(30), () -> a.controlPlane.leaderTerm().isEmpty());
        List<String> named = new ArrayList<>();
        Runnable look = () -> {
            named.add(String.valueOf(a.controlPlane.leader().leader()));
            Throwable write = catchThrowable(() -> a.controlPlane.createVolumeAsync(
                    new CreateVolumeRequest("e1", "gold", null, Map.of(), null)));
            assertThat(write).isInstanceOf(NotLeaderException.class);
            named.add(((NotLeaderException) write).leaderUrl().orElse("none"));
        };
        Await.until("b leads", Duration.ofSeconds(30), () -> {
            look.run();
            return b.controlPlane.leaderTerm().isPresent();
        });
        proxy.heal();
        Await.until("a names b as the leader", Duration.ofSeconds(30), () -> {
            look.run();
            return "http://b.test:7480".equals(a.controlPlane.leader().leader());
        });
        look.run();

        System.out.printf("[session expiry] leaders a named once it stepped down: %s (%d looks)%n",
                named.stream().distinct().collect(Collectors.toList()), named.size());
        assertThat(named).as("once a no longer leads it never names itself").doesNotContain("http://a.test:7480")
                .contains("http://b.test:7480");
        assertThat(a.controlPlane.leaderTerm()).isEmpty();
    }

    private static void seed(ControlPlaneFixture cp, LeaderTerm term, String pool, int luns) throws Exception {
        cp.pool(pool, "16M", 0, luns, "ext4", 0);
        for (int i = 0; i < luns; i++) {
            term.batcher().submit(new Request.AddLun(new Lun(String.format("naa.6%031d", i), pool, LunState.FREE,
                    null, "/nonexistent/" + i, 16L << 20, null))).get(30, TimeUnit.SECONDS);
        }
    }

    /** The election node whose data is {@code id}. */
    private static String electionNodeOf(CuratorFramework client, ZkPaths paths, String id) {
        try {
            for (String child : client.getChildren().forPath(paths.leader())) {
                String path = paths.leader() + "/" + child;
                if (id.equals(new String(client.getData().forPath(path), java.nio.charset.StandardCharsets.UTF_8))) {
                    return path;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("no election node of " + id);
    }

    private static Set<Long> threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .map(Thread::getId).collect(Collectors.toSet());
    }
}
