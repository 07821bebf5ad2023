package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Mounts and unmounts block devices through {@link KernelOps}; idempotent. Whether a directory is a mount point is
 * one statx, so neither path reads /proc/self/mountinfo (which grows with every mounted volume) unless something
 * is already mounted where a mount should go.
 */
public final class Mounter {
    private final KernelOps kernel;

    Mounter(KernelOps kernel) {
        this.kernel = kernel;
    }

    /** Mounts the device on dir (created if missing) with noatime; succeeds when that device is already mounted there. */
    public void mount(Path device, Path dir, FsType type) {
        Path target = createDirectories(dir);
        if (kernel.isMountPoint(target)) {
            Optional<MountInfo> current = mountedAt(target);
            if (current.isPresent() && isDevice(current.get(), device)) {
                return;
            }
            throw new LunpoolException(Reason.HOST_ERROR, "cannot mount " + device + " on " + target + ": "
                    + current.map(MountInfo::source).orElse("something") + " is mounted there; unmount it first");
        }
        kernel.mount(device, target, type);
    }

    /** Unmounts dir; succeeds when nothing is mounted there. A busy filesystem is a HOST_ERROR naming dir. */
    public void umount(Path dir) {
        Path target = comparable(dir);
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS) || !kernel.isMountPoint(target)) {
            return;
        }
        kernel.umount(target);
    }

    /** The mount table of this process's mount namespace, in mount order. */
    public List<MountInfo> mounts() {
        return mountTable();
    }

    /** The same, for callers without a host layer (cleanups). */
    public static List<MountInfo> mountTable() {
        return MountInfoParser.current();
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
