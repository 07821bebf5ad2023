package io.lunpool.backend.host;

import io.lunpool.core.model.FsType;
import io.lunpool.core.spi.VolumeFilesystem;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** The plugin's filesystem seam on this host's kernel: mount(8), umount(8) and /proc/self/mountinfo. */
public final class HostFilesystem implements VolumeFilesystem {
    private final Mounter mounter;

    public HostFilesystem(Mounter mounter) {
        this.mounter = mounter;
    }

    @Override
    public void mount(Path device, Path dir, FsType type) {
        mounter.mount(device, dir, type);
    }

    @Override
    public void umount(Path dir) {
        mounter.umount(dir);
    }

    @Override
    public Set<Path> mountedUnder(Path root) {
        Path base = root.toAbsolutePath().normalize();
        return mounter.mounts().stream().map(m -> m.mountPoint().toAbsolutePath().normalize())
                .filter(p -> p.startsWith(base) && !p.equals(base)).collect(Collectors.toSet());
    }
}
