package io.lunpool.bench;

import io.lunpool.app.docker.HostState;
import io.lunpool.backend.host.HostCleanup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Leaves nothing of a bench run on the host, best effort: {@link HostCleanup#releaseUnder} unmounts and detaches
 * what lies under the run's temp directory, then the directory is deleted (or kept, with a warning, while something
 * is still mounted under it). Each failure is reported and the next step still runs.
 */
final class BenchCleanup {
    private BenchCleanup() {
    }

    static void remove(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            HostCleanup.releaseUnder(dir);
        } catch (RuntimeException | AssertionError e) {
            warn("releasing mounts and loop devices under " + dir + " failed: " + e.getMessage());
        }
        List<String> mounted;
        try {
            mounted = HostState.mountsUnder(dir.toAbsolutePath().normalize());
        } catch (RuntimeException e) {
            warn("reading the mount table failed: " + e.getMessage());
            return;
        }
        if (!mounted.isEmpty()) {
            warn("left " + dir + " in place: still mounted under it: " + mounted);
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            warn("could not delete " + dir + " completely: " + e);
        }
    }

    private static void warn(String message) {
        System.err.println("bench cleanup: " + message);
    }
}
