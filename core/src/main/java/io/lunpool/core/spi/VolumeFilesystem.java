package io.lunpool.core.spi;

import io.lunpool.core.model.FsType;
import java.nio.file.Path;
import java.util.Set;

/**
 * The filesystem seam of the plugin: mount a LUN's pre-made filesystem and find what is mounted. The host
 * layer implements it with mount(8)/umount(8) and {@code /proc/self/mountinfo}.
 */
public interface VolumeFilesystem {
    /** Mounts {@code device} (type {@code type}) on {@code dir}, creating {@code dir} when it is missing. */
    void mount(Path device, Path dir, FsType type);

    /** Unmounts {@code dir}; succeeds when nothing is mounted there. */
    void umount(Path dir);

    /** The mount points strictly below {@code root} (absolute, normalised), as the kernel reports them now. */
    Set<Path> mountedUnder(Path root);
}
