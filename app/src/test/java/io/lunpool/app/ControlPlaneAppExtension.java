package io.lunpool.app;

import io.lunpool.scheduler.ZkState;
import io.lunpool.scheduler.ZooKeeperExtension;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class, registered with {@code @RegisterExtension} on a static field: a ZooKeeper test server,
 * the control-plane applications the class declares on one ZooKeeper root (each with its own loop-device
 * array directory; needs root) and a Curator client to look at what ZooKeeper holds. Before the class's
 * tests the server starts, then the applications in the order declared, the leader first and awaited
 * until it leads; after them everything stops, newest first, and the loop devices and mounts are released.
 */
final class ControlPlaneAppExtension implements BeforeAllCallback, AfterAllCallback {
    private final ZooKeeperExtension zk = ZooKeeperExtension.withLoopDevices();
    private final String root;
    private final List<ControlPlaneApp> apps = new ArrayList<>();
    private CuratorFramework curator;
    private StateStore store;

    ControlPlaneAppExtension(String root) {
        this.root = root;
    }

    /** Declares the instance that leads; declare it first. */
    ControlPlaneApp leader() {
        if (!apps.isEmpty()) {
            throw new IllegalStateException("declare the leader before any follower");
        }
        return declare();
    }

    /** Declares one more instance on the same root; it starts after the leader leads, so it follows. */
    ControlPlaneApp follower() {
        if (apps.isEmpty()) {
            throw new IllegalStateException("declare the leader first");
        }
        return declare();
    }

    private ControlPlaneApp declare() {
        String array = "array-" + (apps.size() + 1);
        ControlPlaneApp app = new ControlPlaneApp(zk::connectString, root, () -> zk.directory().resolve(array));
        apps.add(app);
        return app;
    }

    String root() {
        return root;
    }

    CuratorFramework curator() {
        return curator;
    }

    /** The store on the applications' root, read and written directly. */
    StateStore store() {
        if (store == null) {
            store = ZkStateStore.create(curator, new ZkPaths(root));
        }
        return store;
    }

    /** Every node under the root with its data and version (see {@link ZkState#dump}). */
    Map<String, String> dump() throws Exception {
        return ZkState.dump(curator, root);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        zk.beforeAll(context);
        curator = zk.curator();
        for (ControlPlaneApp app : apps) {
            app.start();
            zk.closeAtEnd(app);
            if (app == apps.get(0)) {
                app.awaitLeading();
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        zk.afterAll(context);
    }
}
