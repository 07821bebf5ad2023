package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Mounts and unmounts block devices with mount(8)/umount(8); reads the mount table from mountinfo. Idempotent. */
public final class Mounter {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private final CommandRunner runner;

    public Mounter(CommandRunner runner) {
        this.runner = runner;
    }

    /** Mounts the device on dir (created if missing) with noatime; succeeds when that device is already mounted there. */
    public void mount(Path device, Path dir, FsType type) {
        Path target = createDirectories(dir);
        Optional<MountInfo> current = mountedAt(target);
        if (current.isPresent()) {
            if (isDevice(current.get(), device)) {
                return;
            }
            throw new LunpoolException(Reason.HOST_ERROR, "cannot mount " + device + " on " + target + ": "
                    + current.get().source() + " is mounted there; unmount it first");
        }
        runner.runChecked(CommandRunner.QUICK, "mount", "-t", type.id(), "-o", "noatime", device.toString(),
                target.toString());
    }

    /** Unmounts dir; succeeds when nothing is mounted there. A busy filesystem is a HOST_ERROR naming dir. */
    public void umount(Path dir) {
        Path target = comparable(dir);
        if (mountedAt(target).isEmpty()) {
            return;
        }
        CommandRunner.Result result = runner.run(CommandRunner.QUICK, List.of("umount", target.toString()));
        if (result.exit() == 0 || mountedAt(target).isEmpty()) {
            return;
        }
        String stderr = result.stderr().strip();
        if (stderr.contains("busy")) {
            throw new LunpoolException(Reason.HOST_ERROR, "cannot unmount " + target
                    + ": it is busy (a process has a file open or its working directory there): " + stderr);
        }
        throw new LunpoolException(Reason.HOST_ERROR, "umount of " + target + " failed (exit " + result.exit()
                + "): " + stderr);
    }

    /** The mount table of this process's mount namespace, in mount order. */
    public List<MountInfo> mounts() {
        try {
            return MountInfoParser.parse(Files.readString(MOUNTINFO));
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "reading " + MOUNTINFO + " failed: " + e, e);
        }
    }

    /** The topmost mount on dir, if any. */
    public Optional<MountInfo> mountedAt(Path dir) {
        Path target = comparable(dir);
        MountInfo top = null;
        for (MountInfo mount : mounts()) {
            if (mount.mountPoint().equals(target)) {
                top = mount;
            }
        }
        return Optional.ofNullable(top);
    }

    private static boolean isDevice(MountInfo mount, Path device) {
        return Path.of(mount.source()).equals(comparable(device));
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir).toRealPath();
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "creating mount point " + dir + " failed: " + e, e);
        }
    }

    /** The real path when it exists (mountinfo shows resolved paths), else the normalized absolute path. */
    private static Path comparable(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
