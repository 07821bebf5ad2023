package io.lunpool.app.docker;

import io.lunpool.backend.host.HostCleanup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One Docker test class's world: prerequisites checked (failing, never skipping), a temp root, a
 * {@link LocalProcess} started on it, and the containers and volumes the tests name through {@link #container} and
 * {@link #volume}. After each test those are removed ({@code docker rm -f}, {@code docker volume rm -f}); after the
 * class the process is stopped by PID (SIGTERM; SIGKILL if it hangs), {@link HostCleanup#releaseUnder} frees what is
 * left under the root, and {@code losetup -a} and {@code /proc/self/mountinfo} must show nothing of it. A failed test
 * prints the process log; {@code -Dlunpool.it.keep=true} keeps the root (with {@code local.log}) after the run.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final PluginFixture env = new PluginFixture("small", List.of(new LocalProcess.Pool("small", "64M", 2, 4, 0)));
 * </pre>
 */
public final class PluginFixture implements BeforeAllCallback, AfterEachCallback, AfterAllCallback, TestWatcher {
    public final DockerCli docker = new DockerCli();
    private final String defaultPool;
    private final List<LocalProcess.Pool> pools;
    private final String run = UUID.randomUUID().toString().substring(0, 6);
    private final Set<String> containers = new LinkedHashSet<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private Path root;
    private LocalProcess local;
    private boolean failed;

    public PluginFixture(String defaultPool, List<LocalProcess.Pool> pools) {
        this.defaultPool = defaultPool;
        this.pools = pools;
    }

    public LocalProcess local() {
        return local;
    }

    /** A container name unique to this run, removed after the test. */
    public String container(String base) {
        String name = base + "-" + run;
        containers.add(name);
        return name;
    }

    /** A volume name unique to this run, removed after the test. */
    public String volume(String base) {
        String name = base + "-" + run;
        volumes.add(name);
        return name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        HostState.requirePrerequisites(docker);
        Files.createDirectories(LocalProcess.SOCKET.getParent());
        root = Files.createTempDirectory("lunpool-it-").toRealPath();
        local = new LocalProcess(root, defaultPool, pools);
        local.start();
        local.runMaintainer();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        removeDockerObjects();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            removeDockerObjects();
        } finally {
            if (local != null) {
                local.close();
            }
            if (root != null) {
                HostCleanup.releaseUnder(root);
                HostState.assertNothingUnder(root);
                boolean keep = failed || context.getExecutionException().isPresent()
                        || Boolean.getBoolean("lunpool.it.keep");
                if (!keep) {
                    deleteTree(root);
                } else {
                    System.out.println("kept " + root + " for a look (log: " + local.log() + ")");
                }
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
        if (local != null) {
            System.out.println("===== " + context.getDisplayName() + " failed; lunpool local log (" + local.log()
                    + ") =====\n" + local.logText() + "===== end of lunpool local log =====");
        }
    }

    /** Removes the test's containers, then its volumes; the plugin must answer, so a killed process is restarted. */
    private void removeDockerObjects() {
        if (containers.isEmpty() && volumes.isEmpty()) {
            return;
        }
        if (local != null && !local.isAlive()) {
            local.start();
        }
        List<String> problems = new ArrayList<>();
        for (String c : containers) {
            DockerCli.Result r = docker.run("rm", "-f", c);
            if (r.exit() != 0 && !r.err().contains("No such container")) {
                problems.add(r.command() + ": " + r.err().strip());
            }
        }
        containers.clear();
        // only those Docker still has: a by-name lookup of an unknown volume asks every plugin dockerd has ever
        // seen, and waits ~15 s for each one whose socket is gone
        Set<String> existing = Set.copyOf(docker.run("volume", "ls", "-q", "--filter", "driver=" + LocalProcess.DRIVER)
                .ok().out().lines().toList());
        for (String v : volumes) {
            if (!existing.contains(v)) {
                continue;
            }
            DockerCli.Result r = docker.run("volume", "rm", "-f", v);
            if (r.exit() != 0) {
                problems.add(r.command() + ": " + r.err().strip());
            }
        }
        volumes.clear();
        if (!problems.isEmpty()) {
            throw new AssertionError("cleaning up Docker objects failed: " + problems);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("deleting " + dir + " failed", e);
        }
    }
}
