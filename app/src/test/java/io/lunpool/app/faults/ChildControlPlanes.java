package io.lunpool.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.app.docker.LocalProcess;
import io.lunpool.backend.host.HostCleanup;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.LunTarget;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;

/**
 * Control planes as child processes of the product jar's {@code scheduler} command, on one ZooKeeper
 * ({@link TestingServer}, tick 1 s, so a 4 s session is allowed) and one loop array directory, for the fault tests.
 * Each child has its own directory (its configuration and log); {@link #tenant} plays a tenant who writes
 * {@link FaultLedger#TENANT_MARKER} into a volume's filesystem. At the end the children are stopped by PID, every
 * mount and loop device under the root is released, the root removed and ZooKeeper stopped.
 */
final class ChildControlPlanes implements AutoCloseable {
    static final Duration SESSION = Duration.ofSeconds(4);
    private final Path root;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private final HostLayer host = HostLayer.local();
    private TestingServer zk;
    private CuratorFramework client;
    private ZkStateStore store;

    ChildControlPlanes() throws Exception {
        HostCleanup.requireRoot();
        root = Files.createTempDirectory("lunpool-faults-");
        Files.createDirectories(arrayDir());
        startZooKeeper();
    }

    Path root() {
        return root;
    }

    Path arrayDir() {
        return root.resolve("array");
    }

    String connectString() {
        return zk.getConnectString();
    }

    /** The state as ZooKeeper has it now (the children's root). */
    ZkStateStore store() {
        return store;
    }

    /** Replaces ZooKeeper by a new, empty one: every record is gone, the array keeps its LUNs. */
    void replaceZooKeeper() throws Exception {
        client.close();
        zk.close();
        startZooKeeper();
    }

    private void startZooKeeper() throws Exception {
        zk = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, 1000, -1), true);
        client = CuratorClients.start(zk.getConnectString(), Duration.ofSeconds(10));
        store = ZkStateStore.create(client, new ZkPaths(LocalProcess.ZK_ROOT));
    }

    /**
     * A {@code scheduler} child named {@code name} (its directory under the root) on this ZooKeeper and array, with
     * a 4 s session, the pools given and further configuration overrides (Dropwizard paths).
     */
    LocalProcess scheduler(String name, List<LocalProcess.Pool> pools, Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("zookeeper.connect", zk.getConnectString());
        all.put("zookeeper.sessionTimeout", SESSION.toSeconds() + "s");
        all.put("controlPlane.arrayDirectory", arrayDir().toString());
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalProcess.Setup base = LocalProcess.Setup.dockerTests();
        LocalProcess child = new LocalProcess(dir, new LocalProcess.Setup("scheduler", base.jar(), null, "local",
                List.of("-Xmx256m"), all), null, pools);
        toClose.push(child);
        return child;
    }

    /** Every LUN record now. */
    List<Lun> luns() {
        return store.list(Kind.LUN).stream().map(Versioned::value).toList();
    }

    /** Waits until every LUN is FREE, CLAIMED or FAILED and the array holds exactly the recorded LUNs. */
    void awaitSettled(Duration timeout) {
        Await.until("every LUN settles (no PREPARING or WIPING; the array holds just the recorded LUNs)", timeout,
                () -> luns().stream().noneMatch(l -> l.state() == LunState.PREPARING || l.state() == LunState.WIPING)
                        && imagesOnArray() == luns().size());
    }

    long imagesOnArray() {
        try (Stream<Path> files = Files.list(arrayDir())) {
            return files.filter(f -> f.getFileName().toString().endsWith(".img")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A tenant: creates the volume through the leader's REST API, mounts its LUN on this host, writes files full of
     * the tenant marker, unmounts and detaches it. Returns the volume's LUN.
     */
    Lun tenant(LocalProcess leader, String volume, String pool) throws IOException {
        String wwn = leader.client().createVolume(new CreateVolumeRequest(volume, pool, null, null, null)).lun();
        Lun lun = store.get(Kind.LUN, wwn).orElseThrow().value();
        LunTarget target = lun.target();
        Path device = host.loopConnector().connect(target);
        Path mount = root.resolve("tenant-" + volume);
        try {
            host.mounter().mount(device, mount, fsType(lun));
            byte[] marker = FaultLedger.marker();
            byte[] block = new byte[64 * 1024];
            for (int i = 0; i + marker.length <= block.length; i += marker.length) {
                System.arraycopy(marker, 0, block, i, marker.length);
            }
            for (int f = 0; f < 4; f++) {
                Files.write(mount.resolve("data-" + f), block);
            }
            Files.writeString(mount.resolve("readme"), "belongs to " + volume + "\n", StandardCharsets.UTF_8);
        } finally {
            host.mounter().umount(mount);
            host.loopConnector().disconnect(target);
        }
        return lun;
    }

    private FsType fsType(Lun lun) {
        return store.get(Kind.POOL, lun.pool()).orElseThrow().value().fsType();
    }

    /** Mounts the LUN here, reads a file a {@link #tenant} wrote, unmounts and detaches it. */
    String readBack(Lun lun, String volume) throws IOException {
        Path device = host.loopConnector().connect(lun.target());
        Path mount = root.resolve("reader-" + volume);
        try {
            host.mounter().mount(device, mount, fsType(lun));
            return Files.readString(mount.resolve("readme"), StandardCharsets.UTF_8);
        } finally {
            host.mounter().umount(mount);
            host.loopConnector().disconnect(lun.target());
        }
    }

    /** The ledger of this fault: the state, the array, no plugin host. */
    FaultLedger ledger() {
        return new FaultLedger(store, arrayDir(), List.of());
    }

    /** Whether a process still runs (a zombie waiting for its reaper does not). */
    static boolean running(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String text = Files.readString(stat);
            return !text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException gone) {
            return false;
        }
    }

    @Override
    public void close() throws Exception {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c; (c = toClose.poll()) != null; ) {
            try {
                c.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        try {
            client.close();
            zk.close();
            HostCleanup.releaseUnder(root);
        } finally {
            if (!Boolean.getBoolean("lunpool.it.keep")) {
                try (Stream<Path> paths = Files.walk(root)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        assertThat(failures).as("closing the children").isEmpty();
    }
}
