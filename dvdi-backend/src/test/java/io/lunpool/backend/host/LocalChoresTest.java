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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalChoresTest {
    private final HostLayer host = HostLayer.local();
    private final LunChores chores = host.localChores();
    @TempDir
    Path dir;

    @BeforeAll
    static void needsRoot() {
        HostCleanup.requireRoot();
    }

    @AfterEach
    void release() {
        HostCleanup.releaseUnder(dir);
    }

    @Test
    void prepareMakesTheFilesystemAndDetaches() {
        LunTarget ext4 = TestLuns.sparse(dir, "e", 64 * MIB);
        LunTarget xfs = TestLuns.sparse(dir, "x", 300 * MIB);

        chores.prepare(ext4, FsType.EXT4, List.of());
        chores.prepare(xfs, FsType.XFS, List.of());

        assertThat(host.loopConnector().find(ext4)).isEmpty();
        assertThat(host.loopConnector().find(xfs)).isEmpty();
        assertThat(host.filesystems().detect(Path.of(ext4.backing()))).contains(FsType.EXT4);
        assertThat(host.filesystems().detect(Path.of(xfs.backing()))).contains(FsType.XFS);
    }

    @Test
    void prepareDetachesAlsoWhenMkfsFails() {
        LunTarget lun = TestLuns.sparse(dir, "a", 64 * MIB);

        assertThatThrownBy(() -> chores.prepare(lun, FsType.EXT4, List.of("-O", "no_such_feature")))
                .isInstanceOf(LunpoolException.class)
                .hasMessageContaining("mkfs.ext4");
        assertThat(host.loopConnector().find(lun)).isEmpty();
    }

    @Test
    void wipeZeroesAPreparedAndUsedLunAndDetaches() throws Exception {
        LunTarget lun = TestLuns.sparse(dir, "a", 64 * MIB);
        chores.prepare(lun, FsType.EXT4, List.of());
        Path device = host.loopConnector().connect(lun);
        host.mounter().mount(device, dir.resolve("m"), FsType.EXT4);
        WiperTest.writeMarkerFiles(dir.resolve("m"), 8, 64 * 1024);
        host.mounter().umount(dir.resolve("m"));
        host.loopConnector().disconnect(lun);

        chores.wipe(lun);

        assertThat(host.loopConnector().find(lun)).isEmpty();
        assertThat(host.filesystems().detect(Path.of(lun.backing()))).isEmpty();
        assertThat(RawScan.of(Path.of(lun.backing()))).isEqualTo(new RawScan(0, 0, -1));
    }
}
