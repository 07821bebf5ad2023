package io.lunpool.scheduler;

import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.plugin.Await;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import io.lunpool.scheduler.store.ZkPaths;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Two control-plane instances on one ZooKeeper (a single server, and a 3-node ensemble): the leader is
 * killed while clients create volumes; the other takes over batcher and maintainer; no acknowledged
 * create is lost and no LUN is claimed twice.
 */
class FailoverTest {
    private static final int VOLUMES = 60;
    @TempDir
    Path dir;
    private Closeable zk;
    private ControlPlaneFixture a;
    private ControlPlaneFixture b;

    @AfterEach
    void stop() throws Exception {
        for (ControlPlaneFixture f : new ControlPlaneFixture[] {a, b}) {
            if (f != null) {
                try {
                    f.close();
                } catch (RuntimeException e) {
                    // the killed instance is already closed
                }
            }
        }
        if (zk != null) {
            zk.close();
        }
        HostCleanup.releaseUnder(dir);
    }

    @Test
    void followerTakesOverOnASingleServer() throws Exception {
        TestingServer server = new TestingServer(true);
        zk = server;
        failover(server.getConnectString(), null);
    }

    @Test
    void followerTakesOverOnAThreeNodeEnsembleThatAlsoLosesANode() throws Exception {
        TestingCluster cluster = new TestingCluster(3);
        cluster.start();
        zk = cluster;
        failover(cluster.getConnectString(), cluster);
    }

    private void failover(String connect, TestingCluster cluster) throws Exception {
        HostCleanup.requireRoot();
        ZkPaths paths = new ZkPaths("/fo");
        LoopArray array = new LoopArray(dir.resolve("array"));
        a = new ControlPlaneFixture(connect, paths, "http://a.test:7480", array, HostLayer.local().localChores(),
                ControlPlaneFixture.manualSettings());
        a.awaitLeader(Duration.ofSeconds(20));
        b = new ControlPlaneFixture(connect, paths, "http://b.test:7480", array, HostLayer.local().localChores(),
                ControlPlaneFixture.manualSettings());
        a.pool("fo", "16M", 20, 40, "ext4", 0);
        a.controlPlane.runMaintainer().get(2, TimeUnit.MINUTES);
        assertThat(a.controlPlane.pool("fo").counts().free()).isEqualTo(20);

        // the follower serves reads and refuses writes, naming the leader
        assertThat(b.controlPlane.leader().leader()).isEqualTo("http://a.test:7480");
        assertThat(b.controlPlane.pool("fo").counts().free()).isEqualTo(20);
        Throwable redirect = catchThrowable(() -> b.controlPlane.createVolume(
                new CreateVolumeRequest("early", "fo", null, null, null)));
        assertThat(redirect).isInstanceOf(NotLeaderException.class);
        assertThat(((NotLeaderException) redirect).leaderUrl()).contains("http://a.test:7480");

        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(clients.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < VOLUMES; ) {
                    String name = "vol" + i;
                    acknowledged.put(name, createOnWhicheverLeads(name));
                }
                return null;
            }));
        }
        Await.until("a third of the creates are acknowledged", Duration.ofMinutes(1),
                () -> acknowledged.size() >= VOLUMES / 3);
        // kill the leader: its session ends without stepping down first
        a.client.close();
        if (cluster != null) {
            cluster.killServer(cluster.getInstances().iterator().next());
        }
        a.controlPlane.close();
        for (Future<?> f : workers) {
            f.get(3, TimeUnit.MINUTES);
        }
        clients.shutdown();

        assertThat(b.controlPlane.leaderTerm()).as("the follower leads now").isPresent();
        assertThat(b.controlPlane.leader().leader()).isEqualTo("http://b.test:7480");
        assertThat(acknowledged).hasSize(VOLUMES);
        for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
            assertThat(b.store.get(Kind.VOLUME, ack.getKey())).as("acknowledged %s", ack.getKey())
                    .get().satisfies(v -> assertThat(v.value().lun()).isEqualTo(ack.getValue()));
        }
        assertThat(ZkState.assertNoLunClaimedTwice(b.store)).isEqualTo(VOLUMES);

        // the new leader's maintainer refills the pool the creates drained (a LUN the old leader carved but did
        // not record is adopted as WIPING in one pass and wiped in the next, so this may take more than one pass)
        Await.until("the new leader refilled the pool", Duration.ofMinutes(2), () -> {
            try {
                b.controlPlane.runMaintainer().get(2, TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return b.store.list(Kind.LUN).stream().map(Versioned::value)
                    .filter(l -> l.state() == LunState.FREE).count() >= 20;
        });
        b.controlPlane.deleteVolume("vol0");
        assertThat(b.controlPlane.volumes()).hasSize(VOLUMES - 1);
    }

    /** A client that retries a create on whichever instance leads, as the REST client does after a 307. */
    private String createOnWhicheverLeads(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            ControlPlaneFixture target = b.controlPlane.leaderTerm().isPresent() ? b : a;
            try {
                return target.controlPlane.createVolume(new CreateVolumeRequest(name, "fo", null, null, null))
                        .volume().lun();
            } catch (NotLeaderException | IllegalStateException e) {
                // no leader yet, or the dead instance: retry
            } catch (LunpoolException e) {
                if (e.reason() != Reason.TRANSIENT) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("create of " + name + " never succeeded");
            }
            Thread.sleep(20);
        }
    }

}
