package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of the leader (the product jar's {@code scheduler} command as a child process) while it wipes LUNs, and
 * again while it prepares LUNs it has just carved, each time started again on the same ZooKeeper and array. After
 * the restarts every LUN is FREE (wiped, verified, re-made) or FAILED with a reason, no command of the killed
 * process runs on, no image or temp file is left over, no loop device stays bound to the array, no two chores
 * overlapped on a LUN, and the fault counters are zero.
 */
class LeaderKillIT {
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void aLeaderKilledMidWipeAndMidProvisionLeavesEveryLunFreeOrFailedAndNothingBehind() throws Exception {
        try (ChildControlPlanes cluster = new ChildControlPlanes()) {
            LocalProcess a = cluster.scheduler("a", List.of(new LocalProcess.Pool("kl", "8G", 3, 6, 0)),
                    Map.of("controlPlane.maintainerInterval", "1s", "controlPlane.parallelChores", "2"));
            a.start();
            Await.until("pool kl has 3 FREE LUNs", WAIT, () -> count(cluster, LunState.FREE) >= 3);
            FaultLedger ledger = cluster.ledger();
            for (int i = 0; i < 3; i++) {
                cluster.tenant(a, "t" + i, "kl");
            }
            List<Instant> kills = new ArrayList<>();

            Instant since = Instant.now();
            for (int i = 0; i < 3; i++) {
                a.client().deleteVolume("t" + i);
                ledger.deleted("t" + i);
            }
            kills.add(killWhileRunning(a, "wipe", since, kills));
            plantWhatAKilledCarveLeaves(cluster);
            a.start();

            since = Instant.now();
            a.client().setPool("kl", new PoolRequest(null, 7, 9, null, null, null));
            kills.add(killWhileRunning(a, "prepare", since, kills));
            a.start();

            cluster.awaitSettled(WAIT);
            Await.until("pool kl refilled", WAIT, () -> count(cluster, LunState.FREE) >= 7);
            for (Lun lun : cluster.luns()) {
                assertThat(lun.state()).as("%s", lun).isIn(LunState.FREE, LunState.FAILED);
                if (lun.state() == LunState.FAILED) {
                    assertThat(lun.failure()).as("the reason of %s", lun.wwn()).isNotBlank();
                }
            }
            assertThat(HostCleanup.loopDevicesBackedUnder(cluster.arrayDir())).isEmpty();
            ledger.choreLog(a.log(), kills);
            ledger.count().assertAllZero("leader SIGKILLed mid-wipe and mid-provision, then restarted");
        }
    }

    private static long count(ChildControlPlanes cluster, LunState state) {
        return cluster.luns().stream().filter(l -> l.state() == state).count();
    }

    /**
     * Waits until the log shows a chore of {@code kind} running that started after {@code since}, SIGKILLs the process, and waits until the commands
     * it had started (mkfs, blkdiscard, losetup) are gone too. Returns the time of the kill.
     */
    private static Instant killWhileRunning(LocalProcess p, String kind, Instant since, List<Instant> kills) {
        Await.until("a " + kind + " runs", WAIT, () -> ChoreRuns.read(p.log(), kills).stream()
                .anyMatch(r -> r.kind().equals(kind) && r.end().equals(Instant.MAX) && r.start().isAfter(since)));
        List<Long> children = ProcessHandle.of(p.pid()).orElseThrow().descendants().map(ProcessHandle::pid).toList();
        p.kill();
        Instant killedAt = Instant.now();
        Await.until("the killed leader's commands " + children + " die with it", Duration.ofSeconds(30),
                () -> children.stream().noneMatch(ChildControlPlanes::running));
        return killedAt;
    }

    /**
     * What a carve killed half-way leaves (an image and a mappings file without sidecar, a sidecar's temp file):
     * the carve itself takes milliseconds, too short to hit with a kill from outside.
     */
    private static void plantWhatAKilledCarveLeaves(ChildControlPlanes cluster) throws Exception {
        Path array = cluster.arrayDir();
        try (RandomAccessFile image = new RandomAccessFile(array.resolve("kl-00000000ff.img").toFile(), "rw")) {
            image.setLength(8L << 30);
        }
        Files.write(array.resolve("kl-00000000ff.hosts"), new byte[4096]);
        Files.writeString(array.resolve(".kl-00000000fe.json.tmp"), "{\"name\":\"kl-00000000fe\",\"ww");
    }
}
