package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WiperTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();
    private final Wiper wiper = loops.host().wiper();

    @Test
    void wipeLeavesNoMarkerAndOnlyZerosOnTheDeviceAndInTheBackingFile() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path device = loops.host().loopConnector().connect(lun);
        loops.host().filesystems().mkfs(device, FsType.EXT4, List.of());
        Path mount = loops.dir().resolve("m");
        loops.host().mounter().mount(device, mount, FsType.EXT4);
        writeMarkerFiles(mount, 48, 256 * 1024);
        loops.host().mounter().umount(mount);
        assertThat(RawScan.of(device).markers()).as("markers on the device before the wipe").isGreaterThanOrEqualTo(48 * 16384);

        wiper.wipe(device);
        wiper.verify(device);

        assertThat(RawScan.of(device)).isEqualTo(new RawScan(0, 0, -1));
        loops.host().loopConnector().disconnect(lun);
        assertThat(RawScan.of(Path.of(lun.backing()))).isEqualTo(new RawScan(0, 0, -1));
        assertThat(allocatedBytes(Path.of(lun.backing()))).as("the wiped backing file stays sparse").isLessThan(MIB);
    }

    @Test
    void verifyOfAZeroDeviceSucceeds() {
        Path device = loops.attach("a", 64 * MIB);

        wiper.verify(device);

        assertThat(Wiper.sizeOf(device)).isEqualTo(64 * MIB);
    }

    @Test
    void verifyNamesTheOffsetOfASingleNonZeroByte() throws Exception {
        Path device = loops.attach("a", 64 * MIB);
        long offset = 37 * MIB + 4097;
        try (FileChannel channel = FileChannel.open(device, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {1}), offset);
            channel.force(true);
        }

        assertThatThrownBy(() -> wiper.verify(device))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessage("wipe of " + device + " left non-zero bytes at offset " + offset);
    }

    @Test
    void withoutDiscardTheWipeWritesZeros() throws Exception {
        Path file = loops.dir().resolve("plain.img");
        byte[] pattern = new byte[(int) (3 * MIB + 512)];
        Arrays.fill(pattern, (byte) 0xAB);
        Files.write(file, pattern);

        wiper.wipe(file); // blkdiscard refuses a regular file: the zero-writing path runs
        wiper.verify(file);

        assertThat(Files.size(file)).isEqualTo(pattern.length);
        assertThat(RawScan.of(file).nonZeroBytes()).isZero();
    }

    static void writeMarkerFiles(Path mount, int files, int bytesEach) throws Exception {
        byte[] content = new byte[bytesEach];
        for (int i = 0; i < content.length; i += RawScan.MARKER.length) {
            System.arraycopy(RawScan.MARKER, 0, content, i, RawScan.MARKER.length);
        }
        for (int i = 0; i < files; i++) {
            Path file = mount.resolve("d" + (i % 6)).resolve("f" + i);
            Files.createDirectories(file.getParent());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.write(content);
                raf.getFD().sync();
            }
        }
    }

    private long allocatedBytes(Path file) {
        return 512 * Long.parseLong(loops.host().commandRunner()
                .runChecked(CommandRunner.QUICK, "stat", "-c", "%b", file.toString()).strip());
    }
}
