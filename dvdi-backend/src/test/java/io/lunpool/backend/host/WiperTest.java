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

        assertThat(wiper.wipeAndVerify(device)).isEqualTo(new Wiper.Outcome(true, false));

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

        // blkdiscard refuses a regular file: the zero-writing path runs
        assertThat(wiper.wipeAndVerify(file)).isEqualTo(new Wiper.Outcome(false, false));

        assertThat(Files.size(file)).isEqualTo(pattern.length);
        assertThat(RawScan.of(file).nonZeroBytes()).isZero();
    }

    @Test
    void aDiscardThatLeavesTheDataIsFollowedByZeroingAndASecondVerify() throws Exception {
        LunTarget lun = loops.lun("a", 64 * MIB);
        Path device = loops.host().loopConnector().connect(lun);
        loops.host().filesystems().mkfs(device, FsType.EXT4, List.of());
        Path mount = loops.dir().resolve("m");
        loops.host().mounter().mount(device, mount, FsType.EXT4);
        writeMarkerFiles(mount, 8, 256 * 1024);
        loops.host().mounter().umount(mount);
        long allocatedBefore = allocatedBytes(Path.of(lun.backing()));
        List<Path> discarded = new java.util.ArrayList<>();
        Wiper keepsData = new Wiper(loops.host().commandRunner(), d -> discarded.add(d)); // "succeeds", leaves all

        Wiper.Outcome outcome = keepsData.wipeAndVerify(device);

        assertThat(discarded).containsExactly(device);
        assertThat(outcome).isEqualTo(new Wiper.Outcome(true, true));
        assertThat(RawScan.of(device)).isEqualTo(new RawScan(0, 0, -1));
        loops.host().loopConnector().disconnect(lun);
        assertThat(RawScan.of(Path.of(lun.backing()))).isEqualTo(new RawScan(0, 0, -1));
        assertThat(allocatedBytes(Path.of(lun.backing()))).as("zeroing writes only where data was")
                .isLessThanOrEqualTo(allocatedBefore);
    }

    @Test
    void aDeviceThatCannotBeZeroedFailsTheWipe() throws Exception {
        LunTarget lun = loops.lun("ro", 16 * MIB);
        write(Path.of(lun.backing()), 5 * MIB, RawScan.MARKER);
        Path device = Path.of(loops.host().commandRunner().runChecked(CommandRunner.QUICK, "losetup", "--find",
                "--show", "--read-only", lun.backing()).strip());
        Wiper keepsData = new Wiper(loops.host().commandRunner(), d -> true);

        assertThatThrownBy(() -> keepsData.wipeAndVerify(device))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("zeroing " + device + " failed");
        assertThat(RawScan.of(device).markers()).isEqualTo(1);
    }

    @Test
    void anInterruptedWipeStopsAndKeepsTheInterrupt() {
        Path device = loops.attach("a", 64 * MIB);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> new Wiper(loops.host().commandRunner(), d -> true).wipeAndVerify(device))
                    .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                    .hasMessage("the wipe of " + device + " was cancelled");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static void write(Path file, long offset, byte[] bytes) throws Exception {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
            channel.force(true);
        }
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
