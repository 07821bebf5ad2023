package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.LunChores;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalChoresTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();
    private final LunChores chores = loops.host().localChores();

    @Test
    void prepareMakesTheFilesystemAndDetaches() {
        LunTarget ext4 = loops.lun("e", 64 * MIB);
        LunTarget xfs = loops.lun("x", 300 * MIB);

        chores.prepare(ext4, FsType.EXT4, List.of());
        chores.prepare(xfs, FsType.XFS, List.of());

        assertThat(loops.host().loopConnector().find(ext4)).isEmpty();
        assertThat(loops.host().loopConnector().find(xfs)).isEmpty();
        assertThat(loops.host().filesystems().detect(Path.of(ext4.backing()))).contains(FsType.EXT4);
        assertThat(loops.host().filesystems().detect(Path.of(xfs.backing()))).contains(FsType.XFS);
    }

    @Test
    void prepareDetachesAlsoWhenMkfsFails() {
        LunTarget lun = loops.lun("a", 64 * MIB);

        assertThatThrownBy(() -> chores.prepare(lun, FsType.EXT4, List.of("-O", "no_such_feature")))
                .isInstanceOf(LunpoolException.class)
                .hasMessageContaining("mkfs.ext4");
        assertThat(loops.host().loopConnector().find(lun)).isEmpty();
    }

    @Test
    void aCancelledWipeStillDetachesTheLun() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        chores.prepare(lun, FsType.EXT4, List.of()); // a LUN that reads as zeros is only verified, never discarded
        CountDownLatch discarding = new CountDownLatch(1);
        Wiper endless = new Wiper(loops.host().commandRunner(), device -> {
            discarding.countDown();
            try {
                new CountDownLatch(1).await(); // a discard that lasts until the chore is cancelled
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        });
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread chore = new Thread(() -> {
            try {
                loops.host().localChores(endless).wipe(lun);
            } catch (RuntimeException e) {
                failure.set(e);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        chore.start();
        assertThat(discarding.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(loops.host().loopConnector().find(lun)).as("attached while it runs").isPresent();

        chore.interrupt();
        chore.join(30_000);

        assertThat(chore.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(LunpoolException.class).hasMessageContaining("was cancelled");
        assertThat(stillInterrupted).as("the cancellation is not swallowed").isTrue();
        assertThat(loops.host().loopConnector().find(lun)).isEmpty();
        assertThat(HostCleanup.loopDevicesBackedUnder(loops.dir())).isEmpty();
    }

    @Test
    void aDiscardThatLeavesDataIsMadeGoodByTheWipeChore() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        chores.prepare(lun, FsType.EXT4, List.of());
        Path device = loops.host().loopConnector().connect(lun);
        loops.host().mounter().mount(device, loops.dir().resolve("m"), FsType.EXT4);
        WiperTest.writeMarkerFiles(loops.dir().resolve("m"), 8, 64 * 1024);
        loops.host().mounter().umount(loops.dir().resolve("m"));
        loops.host().loopConnector().disconnect(lun);

        loops.host().localChores(new Wiper(loops.host().commandRunner(), d -> true)).wipe(lun);

        assertThat(loops.host().loopConnector().find(lun)).isEmpty();
        assertThat(RawScan.of(Path.of(lun.backing()))).isEqualTo(new RawScan(0, 0, -1));
    }

    @Test
    void aWipeOfALunThatReadsAsZerosOnlyVerifiesIt() {
        LunTarget lun = loops.lun("a", 64 * MIB);
        AtomicBoolean discarded = new AtomicBoolean();
        Wiper recording = new Wiper(loops.host().commandRunner(), device -> {
            discarded.set(true);
            return true;
        });

        loops.host().localChores(recording).wipe(lun);

        assertThat(discarded).as("a discard ran on a LUN that was all zeros").isFalse();
        assertThat(loops.host().loopConnector().find(lun)).isEmpty();
    }

    @Test
    void wipeZeroesAPreparedAndUsedLunAndDetaches() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        chores.prepare(lun, FsType.EXT4, List.of());
        Path device = loops.host().loopConnector().connect(lun);
        loops.host().mounter().mount(device, loops.dir().resolve("m"), FsType.EXT4);
        WiperTest.writeMarkerFiles(loops.dir().resolve("m"), 8, 64 * 1024);
        loops.host().mounter().umount(loops.dir().resolve("m"));
        loops.host().loopConnector().disconnect(lun);

        chores.wipe(lun);

        assertThat(loops.host().loopConnector().find(lun)).isEmpty();
        assertThat(loops.host().filesystems().detect(Path.of(lun.backing()))).isEmpty();
        assertThat(RawScan.of(Path.of(lun.backing()))).isEqualTo(new RawScan(0, 0, -1));
    }
}
