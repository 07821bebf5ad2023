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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The system-call and the command implementation of {@link KernelOps} do the same things, on real loop devices. */
class KernelOpsContractTest {
    @RegisterExtension
    final LoopDevicesExtension loops = new LoopDevicesExtension();

    static Stream<KernelOps> both() {
        return Stream.of(new SyscallKernelOps(), new CommandKernelOps(new CommandRunner()));
    }

    @Test
    void theNativeLibraryIsBuiltAndLoadsOnThisMachine() {
        assertThat(NativeHost.unavailableBecause()).isEmpty();
        assertThat(HostLayer.local().kernelOps()).isEqualTo("syscalls");
    }

    @Test
    void theSystemCallsAreUsedOnlyOnKernelsWithLoopConfigure() {
        assertThat(NativeHost.hasLoopConfigure("6.18.44-fc-v657")).isTrue();
        assertThat(NativeHost.hasLoopConfigure("6.1.0-18-amd64")).isTrue();
        assertThat(NativeHost.hasLoopConfigure("5.8.0")).isTrue();
        assertThat(NativeHost.hasLoopConfigure("5.15.0-91-generic")).isTrue();
        assertThat(NativeHost.hasLoopConfigure("5.4.0-150-generic")).isFalse();
        assertThat(NativeHost.hasLoopConfigure("4.19.0-26-amd64")).isFalse();
        assertThat(NativeHost.hasLoopConfigure("")).isFalse();
        assertThat(NativeHost.hasLoopConfigure("unknown")).isFalse();
    }

    @ParameterizedTest
    @MethodSource("both")
    void attachBindsTheFileToALoopDeviceWithDirectIo(KernelOps kernel) throws Exception {
        Path file = backing("a");

        Path device = kernel.attachLoop(file);

        assertThat(device.toString()).matches("/dev/loop\\d+");
        assertThat(LoopDevices.backingOf(device)).contains(file);
        assertThat(Wiper.sizeOf(device)).isEqualTo(64 * MIB);
        assertThat(Files.readString(sys(device, "loop/dio")).strip()).isEqualTo("1");
        assertThat(Files.readString(sys(device, "ro")).strip()).isEqualTo("0");
    }

    @ParameterizedTest
    @MethodSource("both")
    void twoFilesGetTwoDevices(KernelOps kernel) {
        assertThat(kernel.attachLoop(backing("a"))).isNotEqualTo(kernel.attachLoop(backing("b")));
    }

    @ParameterizedTest
    @MethodSource("both")
    void detachUnbindsAndIsIdempotent(KernelOps kernel) {
        Path file = backing("a");
        Path device = kernel.attachLoop(file);

        kernel.detachLoop(device);
        kernel.detachLoop(device);

        assertThat(LoopDevices.isBackedBy(device, file)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("both")
    void detachFlushesWhatWasWrittenThroughTheDevice(KernelOps kernel) throws Exception {
        Path file = backing("a");
        Path device = kernel.attachLoop(file);
        try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("lunpool-marker".getBytes(java.nio.charset.StandardCharsets.US_ASCII)), 4096);
        }

        kernel.detachLoop(device);

        byte[] bytes = Files.readAllBytes(file);
        assertThat(new String(bytes, 4096, 14, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("lunpool-marker");
    }

    @ParameterizedTest
    @MethodSource("both")
    void detachOfAMountedDeviceWaitsForTheUnmount(KernelOps kernel) throws Exception {
        Path file = backing("a");
        Path device = formatted(kernel, file);
        Path mountpoint = Files.createDirectories(loops.dir().resolve("m"));
        kernel.mount(device, mountpoint, FsType.EXT4);

        kernel.detachLoop(device);
        assertThat(LoopDevices.isBackedBy(device, file)).as("bound while mounted").isTrue();
        kernel.umount(mountpoint);

        long deadline = System.nanoTime() + 3_000_000_000L;
        while (LoopDevices.isBackedBy(device, file) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(LoopDevices.isBackedBy(device, file)).as("unbound at the unmount (autoclear)").isFalse();
    }

    @ParameterizedTest
    @MethodSource("both")
    void mountAndUmountShowInTheMountTable(KernelOps kernel) throws Exception {
        Path device = formatted(kernel, backing("a"));
        Path mountpoint = Files.createDirectories(loops.dir().resolve("m")).toRealPath();
        assertThat(kernel.isMountPoint(mountpoint)).isFalse();

        kernel.mount(device, mountpoint, FsType.EXT4);

        assertThat(kernel.isMountPoint(mountpoint)).isTrue();
        MountInfo info = Mounter.mountTable().stream().filter(m -> m.mountPoint().equals(mountpoint)).findFirst()
                .orElseThrow();
        assertThat(info.source()).isEqualTo(device.toString());
        assertThat(info.fsType()).isEqualTo("ext4");
        assertThat(info.options()).contains("noatime");
        kernel.umount(mountpoint);
        assertThat(kernel.isMountPoint(mountpoint)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("both")
    void umountOfABusyFilesystemSaysBusy(KernelOps kernel) throws Exception {
        Path device = formatted(kernel, backing("a"));
        Path mountpoint = Files.createDirectories(loops.dir().resolve("m")).toRealPath();
        kernel.mount(device, mountpoint, FsType.EXT4);
        try (FileChannel open = FileChannel.open(mountpoint.resolve("f"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> kernel.umount(mountpoint))
                    .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                    .hasMessageContaining("busy")
                    .hasMessageContaining(mountpoint.toString());
        }
        assertThat(kernel.isMountPoint(mountpoint)).isTrue();
    }

    @ParameterizedTest
    @MethodSource("both")
    void mountOfAnUnformattedDeviceFailsNamingIt(KernelOps kernel) throws Exception {
        Path device = kernel.attachLoop(backing("a"));
        Path mountpoint = Files.createDirectories(loops.dir().resolve("m")).toRealPath();

        assertThatThrownBy(() -> kernel.mount(device, mountpoint, FsType.EXT4))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining(device.toString());
        assertThat(kernel.isMountPoint(mountpoint)).isFalse();
    }

    @ParameterizedTest
    @MethodSource("both")
    void attachOfAMissingFileFailsNamingIt(KernelOps kernel) {
        Path missing = loops.dir().resolve("missing.img");

        assertThatThrownBy(() -> kernel.attachLoop(missing))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("missing.img");
        assertThat(LoopDevices.backedBy(f -> f.startsWith(loops.dir()))).isEmpty();
    }

    private Path backing(String name) {
        try {
            return Path.of(loops.lun(name, 64 * MIB).backing()).toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path formatted(KernelOps kernel, Path file) {
        Path device = kernel.attachLoop(file);
        new Filesystems(new CommandRunner()).mkfs(device, FsType.EXT4, List.of());
        return device;
    }

    private static Path sys(Path device, String attribute) {
        return Path.of("/sys/block", device.getFileName().toString(), attribute);
    }
}
