package io.lunpool.backend.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Test support for real block devices: the root check and the cleanup that leaves nothing behind. Use
 * {@link #requireRoot()} in {@code @BeforeAll} and {@link #releaseUnder(Path)} in {@code @AfterEach} with
 * the test's {@code @TempDir}.
 */
public final class HostCleanup {
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
        List<MountInfo> mounts = new ArrayList<>(new Mounter(runner).mounts());
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
        // the kernel finishes a detach when the device's last opener (a udev probe, a closing reader) is gone
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!LoopDevices.backedBy(file -> file.startsWith(root)).isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(LoopDevices.backedBy(file -> file.startsWith(root)))
                .as("loop devices still backed by files under %s", root)
                .isEmpty();
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }
}
