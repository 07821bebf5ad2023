package io.lunpool.scheduler;

import io.lunpool.backend.host.HostLayer;
import io.lunpool.backend.host.RawScan;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.PoolView;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.admin.PoolsHealthCheck;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The pool maintainer with real loop devices, mkfs and mount: refill, retire, wipe-and-verify, FAILED. */
class MaintainerOnLoopDevicesTest {
    @RegisterExtension
    final ZooKeeperExtension zk = ZooKeeperExtension.withLoopDevices();
    private ControlPlaneFixture cp;
    private Path dir;
    private final HostLayer host = HostLayer.local();

    @BeforeEach
    void start() throws Exception {
        cp = zk.leaderOnLoopDevices("/mt");
        dir = zk.directory();
    }

    private void maintain() throws Exception {
        cp.controlPlane.runMaintainer().get(5, TimeUnit.MINUTES);
    }

    private List<Lun> luns(String pool, LunState state) {
        return cp.store.list(Kind.LUN).stream().map(Versioned::value)
                .filter(l -> l.pool().equals(pool) && l.state() == state).toList();
    }

    private FsType filesystemOf(Lun lun) {
        try {
            return host.filesystems().detect(host.loopConnector().connect(lun.target())).orElse(null);
        } finally {
            host.loopConnector().disconnect(lun.target());
        }
    }

    @Test
    void ext4PoolRefillsToMinFreeWithPreparedLuns() throws Exception {
        cp.pool("e4", "16M", 3, 5, "ext4", 0);
        maintain();
        assertThat(cp.controlPlane.pool("e4").counts()).isEqualTo(new PoolView.Counts(3, 0, 0, 0, 0));
        for (Lun lun : luns("e4", LunState.FREE)) {
            assertThat(filesystemOf(lun)).isEqualTo(FsType.EXT4);
        }
        maintain();
        assertThat(luns("e4", LunState.FREE)).as("a second pass orders nothing more").hasSize(3);
    }

    @Test
    void xfsPoolGetsXfs() throws Exception {
        cp.pool("x1", "300M", 2, 2, "xfs", 0);
        maintain();
        List<Lun> free = luns("x1", LunState.FREE);
        assertThat(free).hasSize(2);
        for (Lun lun : free) {
            assertThat(filesystemOf(lun)).isEqualTo(FsType.XFS);
        }
    }

    @Test
    void freeLunsAboveMaxFreeAreRetiredFromTheArray() throws Exception {
        cp.pool("rt", "16M", 4, 6, "ext4", 0);
        maintain();
        cp.pool("rt", "16M", 1, 2, "ext4", 0);
        maintain();
        assertThat(luns("rt", LunState.FREE)).hasSize(2);
        assertThat(new LoopArray(dir.resolve("array")).list()).hasSize(2);
    }

    @Test
    void returnedLunIsWipedAndVerifiedBeforeANewTenantGetsIt() throws Exception {
        cp.pool("wp", "16M", 1, 1, "ext4", 1);
        maintain();
        String wwn = cp.controlPlane.createVolume(new CreateVolumeRequest("tenant1", "wp", null, null, null)).volume().lun();
        Lun lun = cp.store.get(Kind.LUN, wwn).orElseThrow().value();
        Path device = host.loopConnector().connect(lun.target());
        Path mnt = dir.resolve("mnt");
        host.mounter().mount(device, mnt, FsType.EXT4);
        try (OutputStream out = Files.newOutputStream(mnt.resolve("secret"))) {
            for (int i = 0; i < 64 * 1024; i++) {
                out.write(RawScan.MARKER);
            }
        }
        host.mounter().umount(mnt);
        host.loopConnector().disconnect(lun.target());
        assertThat(RawScan.of(Path.of(lun.backing())).markers()).as("the tenant's bytes reached the LUN").isGreaterThan(1000);

        cp.controlPlane.deleteVolume("tenant1");
        assertThat(luns("wp", LunState.WIPING)).extracting(Lun::wwn).containsExactly(wwn);
        maintain();
        assertThat(luns("wp", LunState.FREE)).extracting(Lun::wwn).containsExactly(wwn);
        Path again = host.loopConnector().connect(lun.target());
        try {
            assertThat(RawScan.of(again).markers()).as("marker bytes left after the wipe").isZero();
            assertThat(host.filesystems().detect(again)).contains(FsType.EXT4);
        } finally {
            host.loopConnector().disconnect(lun.target());
        }
        String next = cp.controlPlane.createVolume(new CreateVolumeRequest("tenant2", "wp", null, null, null)).volume().lun();
        assertThat(next).isEqualTo(wwn);
    }

    @Test
    void aLunWhoseWipeFailsIsFailedReportedAndNeverReused() throws Exception {
        cp.pool("fl", "16M", 2, 2, "ext4", 2);
        maintain();
        Lun victim = luns("fl", LunState.FREE).get(0);
        Files.delete(Path.of(victim.backing()));
        cp.controlPlane.wipeLun(victim.wwn());
        maintain();
        assertThat(cp.store.get(Kind.LUN, victim.wwn()).orElseThrow().value().state()).isEqualTo(LunState.FAILED);
        assertThat(cp.controlPlane.pool("fl").counts().failed()).isEqualTo(1);
        assertThat(new PoolsHealthCheck(cp.controlPlane).execute().getMessage()).contains("WARNING").contains("FAILED");
        assertThat(cp.metrics.counter("lunpool.pool.chore-failures").getCount()).isEqualTo(1);

        String first = cp.controlPlane.createVolume(new CreateVolumeRequest("only1", "fl", null, null, null)).volume().lun();
        assertThat(first).isNotEqualTo(victim.wwn());
        LunpoolException full = catchThrowableOfType(LunpoolException.class, () ->
                cp.controlPlane.createVolume(new CreateVolumeRequest("only2", "fl", null, null, null)));
        assertThat(full.reason()).isEqualTo(Reason.EXHAUSTED);
        maintain();
        assertThat(cp.store.get(Kind.LUN, victim.wwn()).orElseThrow().value().state()).isEqualTo(LunState.FAILED);
    }
}
