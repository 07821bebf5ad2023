package io.lunpool.backend.host;

import io.lunpool.core.model.LunTarget;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Tests on real loop devices, set up and cleaned up in one place. Register it on an instance field, so each test
 * gets its own:
 *
 * <pre>
 * &#64;RegisterExtension
 * final LoopDevicesExtension loops = new LoopDevicesExtension();
 * </pre>
 *
 * Before each test it fails the test (never skips it) when it does not run as root or when a command the host
 * layer needs is missing, and makes the test's directory ({@link #dir}); {@link #lun} makes sparse LUN files in
 * it and {@link #attach} attaches them. After each test, passed or failed, it unmounts whatever is mounted under
 * the directory or from a loop device backed by a file in it, detaches those devices
 * ({@link HostCleanup#releaseUnder}), and deletes the directory.
 */
public final class LoopDevicesExtension implements BeforeEachCallback, AfterEachCallback {
    /** What the host layer runs: util-linux's losetup, mount and umount, and the mkfs of both filesystems. */
    private static final List<String> COMMANDS = List.of("losetup", "mount", "umount", "mkfs.ext4", "mkfs.xfs");
    private final HostLayer host = HostLayer.local();
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        HostCleanup.requireRoot();
        requireCommands();
        dir = Files.createTempDirectory("lunpool-loops-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (dir == null) {
            return;
        }
        HostCleanup.releaseUnder(dir);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The test's own directory: LUN files, mount points and anything else the test makes go here. */
    public Path dir() {
        if (dir == null) {
            throw new IllegalStateException("the test's directory exists only while a test runs");
        }
        return dir;
    }

    /** The host layer of this machine, as {@code HostLayer.local()} builds it; {@link #attach} uses its connector. */
    public HostLayer host() {
        return host;
    }

    /** Makes {@code <dir>/<name>.img}, a sparse file of the size, and returns its LUN (not attached). */
    public LunTarget lun(String name, long sizeBytes) {
        return TestLuns.sparse(dir(), name, sizeBytes);
    }

    /** Makes the LUN file as {@link #lun} does and attaches it through the loop connector; returns the device. */
    public Path attach(String name, long sizeBytes) {
        return host.loopConnector().connect(lun(name, sizeBytes));
    }

    private static void requireCommands() {
        List<String> missing = COMMANDS.stream().filter(c -> !onPath(c)).toList();
        if (!missing.isEmpty()) {
            throw new AssertionError("needs " + missing + " on the PATH (" + System.getenv("PATH") + "): install"
                    + " util-linux, mount, e2fsprogs and xfsprogs, or run the tests with bin/test, which does");
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, command)));
    }
}
