package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MounterTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();
    private final Mounter mounter = loops.host().mounter();

    private Path formatted(String name, FsType type) {
        Path device = loops.attach(name, (type == FsType.XFS ? 300 : 64) * MIB);
        loops.host().filesystems().mkfs(device, type, List.of());
        return device;
    }

    @Test
    void writtenFileSurvivesUmountAndMountAgain() throws Exception {
        Path device = formatted("a", FsType.EXT4);
        Path mount = loops.dir().resolve("mounts/a");

        mounter.mount(device, mount, FsType.EXT4);
        Files.writeString(mount.resolve("hello.txt"), "kept");
        mounter.umount(mount);
        assertThat(mount.resolve("hello.txt")).doesNotExist();
        mounter.mount(device, mount, FsType.EXT4);

        assertThat(mount.resolve("hello.txt")).hasContent("kept");
    }

    @Test
    void mountShowsInMountInfoWithNoatime() throws Exception {
        Path device = formatted("a", FsType.XFS);
        Path mount = loops.dir().resolve("with space/a");

        mounter.mount(device, mount, FsType.XFS);

        MountInfo info = mounter.mountedAt(mount).orElseThrow();
        assertThat(info.mountPoint()).isEqualTo(mount.toRealPath());
        assertThat(info.source()).isEqualTo(device.toString());
        assertThat(info.fsType()).isEqualTo("xfs");
        assertThat(info.options().split(",")).contains("noatime");
        assertThat(mounter.mounts()).contains(info);
    }

    @Test
    void mountingTheSameDeviceAgainIsIdempotent() {
        Path device = formatted("a", FsType.EXT4);
        Path mount = loops.dir().resolve("a");

        mounter.mount(device, mount, FsType.EXT4);
        mounter.mount(device, mount, FsType.EXT4);

        assertThat(mounter.mounts().stream().filter(m -> m.mountPoint().startsWith(loops.dir().toAbsolutePath())))
                .hasSize(1);
    }

    @Test
    void mountingAnotherDeviceOnAnOccupiedDirIsRefused() {
        Path a = formatted("a", FsType.EXT4);
        Path b = formatted("b", FsType.EXT4);
        Path mount = loops.dir().resolve("m");
        mounter.mount(a, mount, FsType.EXT4);

        assertThatThrownBy(() -> mounter.mount(b, mount, FsType.EXT4))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining(a.toString())
                .hasMessageContaining("unmount it first");
    }

    @Test
    void umountOfAnUnmountedOrMissingDirSucceeds() {
        Path empty = loops.dir().resolve("empty");

        mounter.umount(empty);

        assertThat(mounter.mountedAt(empty)).isEmpty();
    }

    @Test
    void umountOfABusyMountIsHostErrorNamingTheDir() throws Exception {
        Path device = formatted("a", FsType.EXT4);
        Path mount = loops.dir().resolve("busy");
        mounter.mount(device, mount, FsType.EXT4);

        try (FileChannel open = FileChannel.open(mount.resolve("held"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> mounter.umount(mount))
                    .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                    .hasMessageContaining("cannot unmount " + mount.toRealPath())
                    .hasMessageContaining("busy");
            assertThat(open.isOpen()).isTrue();
        }
        mounter.umount(mount);
        assertThat(mounter.mountedAt(mount)).isEmpty();
    }

    @Test
    void mountOfAnUnformattedDeviceIsHostError() {
        Path device = loops.attach("raw", 64 * MIB);

        assertThatThrownBy(() -> mounter.mount(device, loops.dir().resolve("raw"), FsType.EXT4))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("mount");
    }
}
