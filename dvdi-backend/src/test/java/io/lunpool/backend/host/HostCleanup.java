package io.lunpool.backend.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Test support for real block devices: the root check and the cleanup that leaves nothing behind.
 * {@link LoopDevicesExtension} does both around each test; a test that manages its own directory calls
 * {@link #requireRoot()} before it and {@link #releaseUnder(Path)} after it.
 */
public final class HostCleanup {
    private static final Duration DETACH_WAIT = Duration.ofSeconds(5);

    private HostCleanup() {
    }

    /** Fails (never skips) a test that needs root when it does not run as root. */
    public static void requireRoot() {
        assertThat(System.getProperty("user.name"))
                .as("needs root: run the tests with bin/test as root")
                .isEqualTo("root");
    }

    /**
     * Unmounts everything mounted under dir or from a loop device backed by a file under dir (innermost
     * first), then detaches every loop device whose backing file is under dir. Touches nothing else.
     */
    public static void releaseUnder(Path dir) {
        Path root = real(dir);
        CommandRunner runner = new CommandRunner();
        Set<String> loops = LoopDevices.backedBy(file -> file.startsWith(root)).stream()
                .map(binding -> binding.device().toString())
                .collect(Collectors.toSet());
        List<MountInfo> mounts = new ArrayList<>(Mounter.mountTable());
        Collections.reverse(mounts);
        for (MountInfo mount : mounts) {
            if (mount.mountPoint().startsWith(root) || loops.contains(mount.source())) {
                String point = mount.mountPoint().toString();
                if (runner.run(CommandRunner.QUICK, List.of("umount", point)).exit() != 0) {
                    runner.runChecked(CommandRunner.QUICK, "umount", "-l", point);
                }
            }
        }
        for (LoopDevices.Binding binding : LoopDevices.backedBy(file -> file.startsWith(root))) {
            // may already be going away on its own (autoclear): the check below is what counts
            runner.run(CommandRunner.QUICK, List.of("losetup", "-d", binding.device().toString()));
        }
        // losetup -d of a device a udev probe or a closing reader still holds only marks it for autoclear; the
        // kernel detaches it when the last opener closes (LoopConnector waits for the same thing)
        long deadline = System.nanoTime() + DETACH_WAIT.toNanos();
        while (!LoopDevices.backedBy(file -> file.startsWith(root)).isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        assertThat(LoopDevices.backedBy(file -> file.startsWith(root)))
                .as("loop devices still backed by files under %s %s after losetup -d", root, DETACH_WAIT)
                .isEmpty();
    }

    /** The loop devices bound to a file under dir, as sysfs shows them now. */
    public static List<Path> loopDevicesBackedUnder(Path dir) {
        Path root = real(dir);
        return LoopDevices.backedBy(file -> file.startsWith(root)).stream().map(LoopDevices.Binding::device).toList();
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
