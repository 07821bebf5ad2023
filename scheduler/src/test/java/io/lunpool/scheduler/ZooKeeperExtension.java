package io.lunpool.scheduler;

import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.zk.CuratorClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A ZooKeeper test server and everything a test starts on it. Registered with {@code @RegisterExtension}
 * on a static field it serves the whole class, on an instance field each test. At the end what was started
 * through it (control planes, Curator clients, anything passed to {@link #closeAtEnd}) is closed newest
 * first, then the server stops. {@link #withLoopDevices()} adds a directory for loop-device LUN images:
 * the test must run as root, and at the end every mount and loop device under the directory is released
 * and the directory removed.
 */
public final class ZooKeeperExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    private final boolean loopDevices;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private boolean perClass;
    private TestingServer server;
    private Path directory;

    public ZooKeeperExtension() {
        this(false);
    }

    private ZooKeeperExtension(boolean loopDevices) {
        this.loopDevices = loopDevices;
    }

    public static ZooKeeperExtension withLoopDevices() {
        return new ZooKeeperExtension(true);
    }

    public String connectString() {
        return running().getConnectString();
    }

    /** The directory for LUN images and mount points (only {@link #withLoopDevices()}). */
    public Path directory() {
        if (directory == null) {
            throw new IllegalStateException("no directory: build the extension withLoopDevices()");
        }
        return directory;
    }

    /** Closes {@code closeable} at the end, before the server stops. */
    public <T extends AutoCloseable> T closeAtEnd(T closeable) {
        toClose.push(closeable);
        return closeable;
    }

    /** A Curator client of its own on this server, closed at the end. */
    public CuratorFramework curator() throws InterruptedException {
        return closeAtEnd(CuratorClients.start(connectString(), Duration.ofSeconds(4)));
    }

    /** A control plane on this server, with the maintainer run only on demand; closed at the end. */
    public ControlPlaneFixture controlPlane(ZkPaths paths, String url, StorageArray array, LunChores chores)
            throws Exception {
        return closeAtEnd(new ControlPlaneFixture(connectString(), paths, url, array, chores,
                ControlPlaneFixture.manualSettings()));
    }

    /** Stops the server, keeping its data: clients see their connection SUSPENDED (LOST after the session timeout). */
    public void stopServer() throws java.io.IOException {
        running().stop();
    }

    /** Starts the stopped server again on the same port and data. */
    public void restartServer() throws Exception {
        running().restart();
    }

    /** A control plane that leads, on loop-device LUNs under {@link #directory()}{@code /array}. */
    public ControlPlaneFixture leaderOnLoopDevices(String root) throws Exception {
        ControlPlaneFixture cp = controlPlane(new ZkPaths(root), "http://127.0.0.1:1",
                new LoopArray(directory().resolve("array")), HostLayer.local().localChores());
        cp.awaitLeader(Duration.ofSeconds(10));
        return cp;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        perClass = true;
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (perClass) {
            stop();
        }
    }

    private void start() throws Exception {
        if (loopDevices) {
            HostCleanup.requireRoot();
            directory = Files.createTempDirectory("lunpool-test-");
        }
        server = new TestingServer(true);
    }

    private TestingServer running() {
        if (server == null) {
            throw new IllegalStateException("ZooKeeper is not running: register the extension with @RegisterExtension");
        }
        return server;
    }

    private void stop() throws Exception {
        Exception failure = null;
        for (AutoCloseable c; (c = toClose.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                failure = first(failure, e);
            }
        }
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            if (directory != null) {
                HostCleanup.releaseUnder(directory);
                delete(directory);
                directory = null;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Exception first(Exception failure, Exception next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
