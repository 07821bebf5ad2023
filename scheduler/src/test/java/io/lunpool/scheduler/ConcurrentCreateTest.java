package io.lunpool.scheduler;

import io.lunpool.backend.host.HostLayer;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** 200 creates at once against a pool of 150 FREE LUNs, on a real ZooKeeper and real loop-device LUNs. */
class ConcurrentCreateTest {
    @RegisterExtension
    final ZooKeeperExtension zk = ZooKeeperExtension.withLoopDevices();
    private ControlPlaneFixture cp;

    @BeforeEach
    void start() throws Exception {
        cp = zk.leaderOnLoopDevices("/cc");
    }

    @Test
    void twoHundredCreatesClaimEachLunOnceThenSlowPathThenExhausted() throws Exception {
        cp.pool("pp", "16M", 150, 150, "ext4", 160);
        cp.controlPlane.runMaintainer().get(5, TimeUnit.MINUTES);
        Set<String> pooled = cp.store.list(Kind.LUN).stream().filter(l -> l.value().state() == LunState.FREE)
                .map(Versioned::key).collect(Collectors.toSet());
        assertThat(pooled).hasSize(150);

        ExecutorService clients = Executors.newFixedThreadPool(64);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "v" + i;
            results.add(clients.submit(() -> {
                go.await();
                try {
                    return cp.controlPlane.createVolume(new CreateVolumeRequest(name, "pp", "16M", null, null))
                            .volume().lun();
                } catch (LunpoolException e) {
                    return e.reason().name();
                }
            }));
        }
        go.countDown();
        Map<String, Integer> outcome = new ConcurrentHashMap<>();
        Set<String> lunsHanded = ConcurrentHashMap.newKeySet();
        for (Future<String> f : results) {
            String r = f.get(5, TimeUnit.MINUTES);
            String kind = r.equals(Reason.EXHAUSTED.name()) ? "exhausted" : pooled.contains(r) ? "pooled" : "slow";
            outcome.merge(kind, 1, Integer::sum);
            if (!kind.equals("exhausted")) {
                assertThat(lunsHanded.add(r)).as("LUN %s handed out twice", r).isTrue();
            }
        }
        clients.shutdown();

        assertThat(outcome).containsEntry("pooled", 150).containsEntry("slow", 10).containsEntry("exhausted", 40);
        assertThat(ZkState.assertNoLunClaimedTwice(cp.store)).isEqualTo(160);
        List<Versioned<Lun>> luns = cp.store.list(Kind.LUN);
        assertThat(luns).hasSize(160).allMatch(l -> l.value().state() == LunState.CLAIMED);
        assertThat(cp.metrics.counter("lunpool.pool.slow-path-provisions").getCount()).isEqualTo(10);
    }

    @Test
    void emptyPoolWithoutCapGoesSlowPathForEveryCreate() throws Exception {
        cp.pool("qq", "16M", 0, 0, "ext4", 0);
        var created = cp.controlPlane.createVolume(new CreateVolumeRequest("slow1", "qq", null, null, null));
        assertThat(created.created()).isTrue();
        assertThat(cp.store.get(Kind.LUN, created.volume().lun())).get()
                .satisfies(l -> assertThat(l.value().state()).isEqualTo(LunState.CLAIMED));
        assertThat(HostLayer.local().filesystems().detect(
                HostLayer.local().loopConnector().connect(cp.store.get(Kind.LUN, created.volume().lun())
                        .get().value().target()))).contains(io.lunpool.core.model.FsType.EXT4);
    }
}
