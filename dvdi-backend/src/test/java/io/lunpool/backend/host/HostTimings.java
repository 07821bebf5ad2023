package io.lunpool.backend.host;

import static io.lunpool.backend.host.TestLuns.MIB;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Not a test: prints p50/p90 of the host operations on real loop devices, as root. Run with the test
 * classpath: {@code java -cp ... io.lunpool.backend.host.HostTimings}. Timing goals belong to bin/bench.
 */
public final class HostTimings {
    private HostTimings() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("lunpool-timings");
        HostLayer host = HostLayer.local();
        try {
            run(host, dir);
        } finally {
            HostCleanup.releaseUnder(dir);
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(HostLayer host, Path dir) throws Exception {
        LunTarget lun = TestLuns.sparse(dir, "a", 64 * MIB);
        Path real = Path.of(lun.backing()).toRealPath();
        LunTarget xfsLun = TestLuns.sparse(dir, "x", 300 * MIB);
        List<LunTarget> others = new ArrayList<>();
        for (int i = 0; i < 6; i++) { // a few other attached devices, so lookups scan more than one
            others.add(TestLuns.sparse(dir, "o" + i, MIB));
            host.loopConnector().connect(others.get(i));
        }
        Path device = host.loopConnector().connect(lun);
        time("lookup via a sysfs scan (LoopDevices)", 300, () -> LoopDevices.backedBy(real::equals));
        time("lookup via losetup -j", 300, () -> host.commandRunner().runChecked(CommandRunner.QUICK, "losetup", "-j", real.toString()));
        time("connect, already attached", 300, () -> host.loopConnector().connect(lun));
        host.loopConnector().disconnect(lun);
        time("connect fresh + disconnect", 40, () -> {
            host.loopConnector().connect(lun);
            host.loopConnector().disconnect(lun);
        });
        time("connect fresh (losetup --find --show --direct-io=on)", 40, () -> host.loopConnector().connect(lun),
                () -> host.loopConnector().disconnect(lun));
        time("disconnect (fsync + losetup -d)", 40, () -> host.loopConnector().disconnect(lun),
                () -> host.loopConnector().connect(lun));
        device = host.loopConnector().connect(lun);
        Path dev = device;
        time("mkfs ext4 64 MiB", 5, () -> host.filesystems().mkfs(dev, FsType.EXT4, List.of()));
        time("detect (superblock read)", 300, () -> host.filesystems().detect(dev));
        time("detect (blkid -p)", 50, () -> host.commandRunner().runChecked(CommandRunner.QUICK, "blkid", "-p", "-o", "value", "-s", "TYPE", dev.toString()));
        Path xdev = host.loopConnector().connect(xfsLun);
        time("mkfs xfs 300 MiB", 5, () -> host.filesystems().mkfs(xdev, FsType.XFS, List.of()));
        Path mount = dir.resolve("m");
        time("mount ext4", 40, () -> host.mounter().mount(dev, mount, FsType.EXT4), () -> host.mounter().umount(mount));
        time("umount ext4", 40, () -> host.mounter().umount(mount), () -> host.mounter().mount(dev, mount, FsType.EXT4));
        host.mounter().umount(mount);
        time("mount xfs", 40, () -> host.mounter().mount(xdev, mount, FsType.XFS), () -> host.mounter().umount(mount));
        host.loopConnector().disconnect(lun);
        time("attach + mount ext4 (pre-formatted)", 40, () -> {
            Path d = host.loopConnector().connect(lun);
            host.mounter().mount(d, mount, FsType.EXT4);
        }, () -> {
            host.mounter().umount(mount);
            host.loopConnector().disconnect(lun);
        });
        time("umount + detach ext4", 40, () -> {
            host.mounter().umount(mount);
            host.loopConnector().disconnect(lun);
        }, () -> host.mounter().mount(host.loopConnector().connect(lun), mount, FsType.EXT4));
        host.mounter().umount(mount);
        Path wdev = host.loopConnector().connect(lun);
        byte[] data = new byte[(int) MIB];
        Arrays.fill(data, (byte) 0x5A);
        Step fill = () -> {
            try (var out = java.nio.channels.FileChannel.open(wdev, java.nio.file.StandardOpenOption.WRITE)) {
                for (long off = 0; off < 64 * MIB; off += MIB) {
                    out.write(java.nio.ByteBuffer.wrap(data), off);
                }
                out.force(true);
            }
        };
        time("wipe + verify 64 MiB full of data (blkdiscard -f, O_DIRECT read)", 8,
                () -> host.wiper().wipeAndVerify(wdev), fill);
        time("verify 64 MiB (O_DIRECT read)", 8, () -> host.wiper().verify(wdev));
        time("LocalChores.wipe 64 MiB (connect, wipe, verify, disconnect)", 8, () -> host.localChores().wipe(lun), () -> {
            host.loopConnector().connect(lun);
            fill.run();
            host.loopConnector().disconnect(lun);
        });
        for (LunTarget other : others) {
            host.loopConnector().disconnect(other);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static void time(String what, int n, Step step) throws Exception {
        time(what, n, step, () -> { });
    }

    /** Runs step n times, undo after each (untimed), and prints p50 and p90 in milliseconds. */
    private static void time(String what, int n, Step step, Step undo) throws Exception {
        step.run();
        undo.run(); // warm-up
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            step.run();
            nanos[i] = System.nanoTime() - start;
            undo.run();
        }
        Arrays.sort(nanos);
        System.out.printf("%-62s n=%3d  p50 %8.2f ms  p90 %8.2f ms%n", what, n, nanos[n / 2] / 1e6, nanos[n * 9 / 10] / 1e6);
    }
}
