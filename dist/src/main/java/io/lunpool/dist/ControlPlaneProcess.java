package io.lunpool.dist;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.spi.LunChores;
import io.lunpool.scheduler.ControlPlane;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.rest.ControlPlaneWiring;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import io.lunpool.scheduler.zk.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires a control-plane instance into a Dropwizard environment: ZooKeeper (embedded when no connect
 * string is configured), the Curator client, the store, the loop array, the control plane and its REST
 * API, and the pools the configuration asks for.
 */
final class ControlPlaneProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneProcess.class);

    private ControlPlaneProcess() {
    }

    static ControlPlane wire(Environment env, LunpoolConfiguration cfg, LunChores chores) throws Exception {
        ZooKeeperConfig zk = cfg.zookeeper;
        String connect = zk.connect;
        if (connect == null || connect.isBlank()) {
            EmbeddedZooKeeper server = new EmbeddedZooKeeper(Path.of(zk.embeddedDataDir), zk.embeddedHost,
                    zk.embeddedPort);
            connect = server.connectString();
            LOG.info("embedded ZooKeeper listening on {}, data under {}", connect, zk.embeddedDataDir);
            env.lifecycle().manage(closing(server::close));
        }
        CuratorFramework client = CuratorClients.start(connect,
                java.time.Duration.ofMillis(zk.sessionTimeout.toMilliseconds()));
        env.lifecycle().manage(closing(client::close));
        ZkPaths paths = new ZkPaths(zk.root);
        ZkStateStore store = ZkStateStore.create(client, paths);
        ControlPlaneConfig cp = cfg.controlPlane;
        ControlPlane controlPlane = new ControlPlane(client, paths, store, cp.advertiseUrl,
                new LoopArray(Path.of(cp.arrayDirectory)), chores, cp.settings(), Clock.systemUTC(), env.metrics());
        ControlPlaneWiring.register(env, client, controlPlane);
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                createPools(controlPlane, cp.pools);
            }
        });
        return controlPlane;
    }

    /** Creates the configured pools that do not exist yet, if this instance becomes leader within 30 s. */
    private static void createPools(ControlPlane controlPlane, Map<String, PoolConfig> pools) throws InterruptedException {
        if (pools.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String self = controlPlane.leadership().self();
        while (controlPlane.leaderTerm().isEmpty()
                && controlPlane.leadership().leaderUrl().filter(url -> !url.equals(self)).isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (controlPlane.leaderTerm().isEmpty()) {
            LOG.info("not the leader; the leader's configuration decides the pools");
            return;
        }
        for (Map.Entry<String, PoolConfig> e : pools.entrySet()) {
            try {
                controlPlane.pool(e.getKey());
            } catch (LunpoolException missing) {
                controlPlane.setPool(e.getKey(), e.getValue().request());
                LOG.info("created pool {} from the configuration", e.getKey());
            }
        }
        controlPlane.runMaintainer();
    }

    static Managed closing(AutoCloseable c) {
        return new Managed() {
            @Override
            public void stop() throws Exception {
                c.close();
            }
        };
    }
}
