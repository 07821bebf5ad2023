package io.lunpool.bench;

import io.lunpool.backend.host.CommandRunner;
import io.lunpool.backend.host.MountInfo;
import io.lunpool.backend.host.Mounter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Leaves nothing of a bench run on the host: unmounts everything under its temp directory (deepest first), detaches
 * the loop devices whose backing file lies under it, deletes it, and removes the plugin socket file. Best effort:
 * each failure is reported and the next step still runs.
 */
final class HostCleanup {
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private final CommandRunner runner = new CommandRunner();

    /** As {@link #run(Path, Path)} for a run without a plugin socket. */
    void run(Path dir) {
        run(dir, null);
    }

    void run(Path dir, Path socket) {
        Path root = dir.toAbsolutePath().normalize();
        unmountUnder(root);
        detachUnder(root);
        if (mountsUnder(root).isEmpty()) {
            deleteTree(root);
        } else {
            warn("left " + root + " in place: " + mountsUnder(root) + " are still mounted under it");
        }
        try {
            if (socket != null) {
                Files.deleteIfExists(socket);
            }
        } catch (IOException e) {
            warn("could not delete " + socket + ": " + e);
        }
    }

    private List<Path> mountsUnder(Path root) {
        List<Path> points = new ArrayList<>();
        try {
            for (MountInfo m : Mounter.mountTable()) {
                if (m.mountPoint().startsWith(root)) {
                    points.add(m.mountPoint());
                }
            }
        } catch (RuntimeException e) {
            warn("reading the mount table failed: " + e.getMessage());
        }
        return points;
    }

    private void unmountUnder(Path root) {
        List<Path> points = mountsUnder(root);
        points.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : points) {
            CommandRunner.Result r = runner.run(CommandRunner.QUICK, List.of("umount", "-l", p.toString()));
            if (r.exit() != 0) {
                warn("umount -l " + p + " failed: " + r.stderr().strip());
            }
        }
    }

    private void detachUnder(Path root) {
        try (DirectoryStream<Path> loops = Files.newDirectoryStream(SYS_BLOCK, "loop*")) {
            for (Path loop : loops) {
                Path file = loop.resolve("loop/backing_file");
                if (!Files.exists(file)) {
                    continue;
                }
                String backing = Files.readString(file).strip().replace(" (deleted)", "");
                if (Path.of(backing).startsWith(root)) {
                    String device = "/dev/" + loop.getFileName();
                    CommandRunner.Result r = runner.run(CommandRunner.QUICK, List.of("losetup", "-d", device));
                    if (r.exit() != 0) {
                        warn("losetup -d " + device + " failed: " + r.stderr().strip());
                    }
                }
            }
        } catch (IOException e) {
            warn("listing loop devices failed: " + e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            warn("could not delete " + root + " completely: " + e);
        }
    }

    private static void warn(String message) {
        System.err.println("bench cleanup: " + message);
    }
}
