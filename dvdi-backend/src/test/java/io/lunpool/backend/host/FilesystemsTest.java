package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FilesystemsTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();
    private final CommandRunner runner = new CommandRunner();
    private final Filesystems filesystems = new Filesystems(runner);

    @Test
    void ext4IsMadeAndDetected() {
        Path device = loops.attach("a", 64 * MIB);

        filesystems.mkfs(device, FsType.EXT4, List.of());

        assertThat(filesystems.detect(device)).contains(FsType.EXT4);
        assertThat(blkid(device, "TYPE")).isEqualTo("ext4");
    }

    @Test
    void ext4InodeTablesAreWrittenByMkfsSoTheFirstMountStartsNoBackgroundZeroing() {
        Path device = loops.attach("a", 256 * MIB);

        filesystems.mkfs(device, FsType.EXT4, List.of());

        List<String> groups = runner.runChecked(CommandRunner.QUICK, "dumpe2fs", device.toString())
                .lines().filter(l -> l.matches("Group \\d+: .*")).toList();
        assertThat(groups).hasSizeGreaterThan(1).allSatisfy(g -> assertThat(g).contains("ITABLE_ZEROED"));
    }

    @Test
    void xfsIsMadeAndDetected() {
        Path device = loops.attach("a", 300 * MIB);

        filesystems.mkfs(device, FsType.XFS, List.of());

        assertThat(filesystems.detect(device)).contains(FsType.XFS);
        assertThat(blkid(device, "TYPE")).isEqualTo("xfs");
    }

    @Test
    void mkfsReplacesAnotherFilesystem() {
        Path device = loops.attach("a", 300 * MIB);
        filesystems.mkfs(device, FsType.EXT4, List.of());

        filesystems.mkfs(device, FsType.XFS, List.of());

        assertThat(filesystems.detect(device)).contains(FsType.XFS);
    }

    @Test
    void extraOptionsArePassedToMkfs() {
        Path device = loops.attach("a", 64 * MIB);

        filesystems.mkfs(device, FsType.EXT4, List.of("-L", "lunpool-v1"));

        assertThat(blkid(device, "LABEL")).isEqualTo("lunpool-v1");
    }

    @Test
    void emptyDeviceHasNoFilesystem() {
        Path device = loops.attach("a", 64 * MIB);

        assertThat(filesystems.detect(device)).isEmpty();
    }

    @Test
    void failedMkfsIsHostErrorNamingTheCommand() {
        Path device = loops.attach("a", 64 * MIB);

        assertThatThrownBy(() -> filesystems.mkfs(device, FsType.EXT4, List.of("-O", "no_such_feature")))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("mkfs.ext4")
                .hasMessageContaining("failed (exit 1): Invalid filesystem option set: no_such_feature");
    }

    private String blkid(Path device, String tag) {
        return runner.runChecked(CommandRunner.QUICK, "blkid", "-p", "-o", "value", "-s", tag,
                device.toString()).strip();
    }
}
