package io.lunpool.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.Await;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import io.lunpool.scheduler.store.ZkPaths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.Test;

/**
 * A 3-node ZooKeeper ensemble loses its quorum (two nodes killed) while clients create, attach, detach and
 * delete volumes, then gets it back. Every request either completes with its true answer or fails TRANSIENT
 * (and is retried, as clients do); none is lost or answered wrongly, and afterwards the leader's inventory
 * equals what ZooKeeper holds.
 */
class QuorumLossTest {
    private static final ZkPaths PATHS = new ZkPaths("/quorum");
    private static final int WORKERS = 4;
    private static final int CYCLES = 8;

    private final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger transients = new AtomicInteger();
    private final AtomicInteger notLeader = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();

    @Test
    void requestsDuringALostQuorumFailTransientOrCompleteAndNoneIsAnsweredWrongly() throws Exception {
        try (TestingCluster cluster = new TestingCluster(3)) {
            cluster.start();
            try (ControlPlaneFixture cp = new ControlPlaneFixture(cluster.getConnectString(), PATHS,
                    "http://q.test:7480", null, null, ControlPlaneFixture.manualSettings())) {
                LeaderTerm term = cp.awaitLeader(Duration.ofSeconds(30));
                int luns = WORKERS * CYCLES + 8;
                cp.pool("gold", "16M", 0, luns, "ext4", 0);
                for (int i = 0; i < luns; i++) {
                    term.batcher().submit(new Request.AddLun(new Lun(String.format("naa.6%031d", i), "gold",
                            LunState.FREE, null, "/nonexistent/" + i, 16L << 20, null))).get(30, TimeUnit.SECONDS);
                }
                AtomicInteger cycles = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    int worker = w;
                    workers.add(pool.submit(() -> {
                        for (int c = 0; c < CYCLES; c++) {
                            cycle(cp, "w" + worker + "-" + c, "host-" + worker);
                            cycles.incrementAndGet();
                        }
                        return null;
                    }));
                }
                Await.until("a first cycle completes", Duration.ofSeconds(60), () -> cycles.get() >= 1);
                List<InstanceSpec> killed = new ArrayList<>(cluster.getInstances()).subList(0, 2);
                for (InstanceSpec spec : killed) {
                    assertThat(cluster.killServer(spec)).as("killed %s", spec).isTrue();
                }
                Await.until("requests fail TRANSIENT while the quorum is gone", Duration.ofSeconds(60),
                        () -> transients.get() + notLeader.get() > 0);
                int duringOutage = cycles.get();
                for (InstanceSpec spec : killed) {
                    assertThat(cluster.restartServer(spec)).as("restarted %s", spec).isTrue();
                }
                for (Future<?> f : workers) {
                    f.get(4, TimeUnit.MINUTES);
                }
                pool.shutdown();

                System.out.printf("[quorum loss] cycles %d (%d before the quorum came back), answers %d,"
                                + " TRANSIENT %d, no leader %d, wrong %d%n", cycles.get(), duringOutage,
                        answered.get(), transients.get(), notLeader.get(), wrong.size());
                assertThat(wrong).as("wrong answers").isEmpty();
                assertThat(cycles.get()).isEqualTo(WORKERS * CYCLES);
                assertThat(transients.get() + notLeader.get()).isPositive();
                assertThat(cp.store.list(Kind.VOLUME)).as("every volume was deleted").isEmpty();
                assertThat(cp.store.list(Kind.ATTACHMENT)).isEmpty();
                List<Versioned<Lun>> all = cp.store.list(Kind.LUN);
                assertThat(all.stream().filter(l -> l.value().state() == LunState.WIPING)).as("one LUN per cycle")
                        .hasSize(WORKERS * CYCLES);
                assertThat(all.stream().filter(l -> l.value().state() == LunState.FREE)).hasSize(8);
                LeaderTerm now = cp.awaitLeader(Duration.ofSeconds(30));
                ZkState.assertInventoryMatchesStore(now.inventory(), cp.store);
            }
        }
    }

    /** Create, attach, detach, delete one volume, each retried on TRANSIENT until it has its answer. */
    private void cycle(ControlPlaneFixture cp, String name, String host) {
        String requestId = "req-" + name;
        ControlPlane.Created created = retried(() -> cp.controlPlane.createVolume(
                new CreateVolumeRequest(name, "gold", null, Map.of(), requestId)), name + " create", null);
        if (created != null && !created.created()) {
            wrong.add(name + " create answered 200: the volume existed before this call made it");
        }
        var attached = retried(() -> cp.controlPlane.attach(name, new AttachRequest(host, List.of(), false)),
                name + " attach", null);
        if (attached != null && !attached.host().equals(host)) {
            wrong.add(name + " attach answered host " + attached.host());
        }
        retried(() -> {
            cp.controlPlane.detach(name, host);
            return true;
        }, name + " detach", null);
        retried(() -> {
            cp.controlPlane.deleteVolume(name);
            return true;
        }, name + " delete", Reason.NOT_FOUND);
    }

    /**
     * Runs the call until it answers other than TRANSIENT (or no leader); a failure is wrong unless it is
     * {@code afterUnknown} and an earlier attempt's outcome was unknown (a retried delete that had applied).
     */
    private <T> T retried(Supplier<T> call, String what, Reason afterUnknown) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean unknown = false;
        while (System.nanoTime() < deadline) {
            try {
                T result = call.get();
                answered.incrementAndGet();
                return result;
            } catch (NotLeaderException e) {
                notLeader.incrementAndGet();
                unknown = true;
            } catch (LunpoolException e) {
                if (e.reason() == Reason.TRANSIENT) {
                    transients.incrementAndGet();
                    unknown = true;
                } else {
                    answered.incrementAndGet();
                    if (!(unknown && e.reason() == afterUnknown)) {
                        wrong.add(what + " answered " + e.reason() + ": " + e.getMessage());
                    }
                    return null;
                }
            }
            try {
                Thread.sleep(50); // a client's pause before it retries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        wrong.add(what + " never got an answer");
        return null;
    }
}
