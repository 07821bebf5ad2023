package io.lunpool.backend.host;

import java.nio.file.Path;

/**
 * One line of {@code /proc/self/mountinfo}, unescaped: {@code majorMinor} is the device of the filesystem
 * ("7:3" for /dev/loop3), {@code root} the directory of it that is mounted, {@code source} what was
 * mounted ("/dev/loop3", "tmpfs", "none").
 */
public record MountInfo(int id, int parentId, String majorMinor, String root, Path mountPoint, String options,
                        String fsType, String source, String superOptions) {
}
