package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.LunTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LoopConnectorTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();
    private final LoopConnector connector = (LoopConnector) loops.host().loopConnector();

    @Test
    void connectAttachesTheBackingFileAsABlockDevice() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);

        Path device = connector.connect(lun);

        assertThat(device.toString()).matches("/dev/loop\\d+");
        assertThat(Files.getAttribute(device, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .satisfies(mode -> assertThat(((Integer) mode) & 0170000).isEqualTo(0060000));
        assertThat(Wiper.sizeOf(device)).isEqualTo(64 * MIB);
        assertThat(Files.readString(Path.of("/sys/block", device.getFileName().toString(), "loop/backing_file")).strip())
                .isEqualTo(Path.of(lun.backing()).toRealPath().toString());
    }

    @Test
    void connectAgainReturnsTheSameDevice() {
        LunTarget lun = loops.lun("a", 64 * MIB);

        Path first = connector.connect(lun);

        assertThat(connector.connect(lun)).isEqualTo(first);
        assertThat(connector.find(lun)).contains(first);
    }

    @Test
    void differentLunsGetDifferentDevices() {
        Path a = connector.connect(loops.lun("a", 64 * MIB));
        Path b = connector.connect(loops.lun("b", 64 * MIB));

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void findIsEmptyWhenNotAttached() {
        assertThat(connector.find(loops.lun("a", 64 * MIB))).isEmpty();
    }

    @Test
    void disconnectFreesTheDeviceAndIsIdempotent() {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path device = connector.connect(lun);

        connector.disconnect(lun);
        connector.disconnect(lun);

        assertThat(connector.find(lun)).isEmpty();
        // another process may take the freed device number at once: it must no longer be bound to our file
        assertThat(LoopDevices.backedBy(file -> true))
                .noneMatch(b -> b.device().equals(device) && b.backing().startsWith(loops.dir().toAbsolutePath()));
    }

    @Test
    void disconnectRemovesEveryDeviceBackedByTheFileAfterARescan() {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path first = connector.connect(lun);
        String second = loops.host().commandRunner()
                .runChecked(CommandRunner.QUICK, "losetup", "--find", "--show", lun.backing()).strip();
        LoopConnector.rescan(); // a binding made by another program after the first look is seen from a rescan on

        connector.disconnect(lun);

        assertThat(LoopDevices.backedBy(file -> file.startsWith(loops.dir().toAbsolutePath()))).isEmpty();
        assertThat(first.toString()).isNotEqualTo(second);
    }

    @Test
    void aDeviceUnboundBehindTheConnectorsBackIsNotReturned() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path first = connector.connect(lun);
        loops.host().commandRunner().runChecked(CommandRunner.QUICK, "losetup", "-d", first.toString());

        Path again = connector.connect(lun);

        assertThat(LoopDevices.isBackedBy(again, Path.of(lun.backing()).toRealPath())).isTrue();
        assertThat(connector.find(lun)).contains(again);
    }

    @Test
    void concurrentConnectsOfOneLunShareOneDevice() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Path>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(() -> connector.connect(lun));
            }
            List<Path> devices = new ArrayList<>();
            for (Future<Path> f : pool.invokeAll(calls)) {
                devices.add(f.get());
            }
            assertThat(devices).containsOnly(devices.get(0));
            Path real = Path.of(lun.backing()).toRealPath();
            assertThat(LoopDevices.backedBy(real::equals)).extracting(LoopDevices.Binding::device)
                    .containsExactly(devices.get(0));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void connectOfAMissingBackingFileIsHostError() {
        LunTarget lun = new LunTarget("naa.6001405deadbeef", loops.dir().resolve("missing.img").toString());

        assertThatThrownBy(() -> connector.connect(lun))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("missing.img");
    }

    @Test
    void disconnectOfAMountedLunIsRefusedNamingTheDevice() {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path device = connector.connect(lun);
        loops.host().filesystems().mkfs(device, io.lunpool.core.model.FsType.EXT4, List.of());
        loops.host().mounter().mount(device, loops.dir().resolve("m"), io.lunpool.core.model.FsType.EXT4);

        assertThatThrownBy(() -> connector.disconnect(lun))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining(device.toString())
                .hasMessageContaining("in use");
    }
}
