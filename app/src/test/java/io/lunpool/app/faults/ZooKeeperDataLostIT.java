package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.app.docker.LunScan;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * ZooKeeper loses all its data while the loop array keeps its LUNs, some of them still holding tenants' files: the
 * control plane (the product jar's {@code scheduler} command, a child process) starts on the empty ZooKeeper, makes
 * its pool again from its configuration and adopts every LUN on the array as WIPING, so each is wiped, verified and
 * re-made before it is FREE; no FREE LUN holds a tenant's marker afterwards.
 */
class ZooKeeperDataLostIT {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void everyLunOnTheArrayIsWipedBeforeItIsFreeAgain() throws Exception {
        try (ChildControlPlanes cluster = new ChildControlPlanes()) {
            List<LocalProcess.Pool> pools = List.of(new LocalProcess.Pool("dl", "64M", 2, 4, 0));
            Map<String, String> settings = Map.of("controlPlane.maintainerInterval", "1s");
            LocalProcess before = cluster.scheduler("a", pools, settings);
            before.start();
            Await.until("pool dl has 2 FREE LUNs", WAIT, () -> free(cluster) >= 2);
            List<Lun> tenants = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tenants.add(cluster.tenant(before, "t" + i, "dl"));
            }
            before.client().deleteVolume("t2"); // given back, and wiped
            cluster.awaitSettled(WAIT);
            before.stop();
            for (Lun lun : tenants.subList(0, 2)) {
                assertThat(LunScan.occurrences(Path.of(lun.backing()), FaultLedger.marker()))
                        .as("tenant bytes on %s before ZooKeeper is lost", lun.wwn()).isPositive();
            }
            long onArray = cluster.imagesOnArray();

            cluster.replaceZooKeeper();
            assertThat(cluster.luns()).isEmpty();
            LocalProcess after = cluster.scheduler("b", pools, settings);
            after.start();

            Await.until("every LUN on the array is recorded again", WAIT, () -> cluster.luns().size() >= onArray);
            cluster.awaitSettled(WAIT);
            for (Lun lun : tenants) {
                Lun now = cluster.store().get(io.lunpool.scheduler.store.Kind.LUN, lun.wwn()).orElseThrow().value();
                assertThat(now.state()).as("%s", now).isEqualTo(LunState.FREE);
                assertThat(LunScan.occurrences(Path.of(lun.backing()), FaultLedger.marker())).isZero();
            }
            assertThat(after.logText()).contains("adopted array LUN " + tenants.get(0).wwn());
            FaultLedger ledger = cluster.ledger();
            ledger.choreLog(before.log(), List.of());
            ledger.choreLog(after.log(), List.of());
            ledger.count().assertAllZero("ZooKeeper's data lost, the array kept");
        }
    }

    private static long free(ChildControlPlanes cluster) {
        return cluster.luns().stream().filter(l -> l.state() == LunState.FREE).count();
    }
}
