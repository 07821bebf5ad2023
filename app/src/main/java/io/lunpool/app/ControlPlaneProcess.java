package io.lunpool.app;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.LunChores;
import io.lunpool.scheduler.ControlPlane;
import io.lunpool.scheduler.RequestTranslator;
import io.lunpool.scheduler.admin.AdminWiring;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.leader.InstanceLock;
import io.lunpool.scheduler.rest.RestWiring;
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
 * Wires a control-plane instance into a Dropwizard environment: the instance lock in its state directory,
 * ZooKeeper (embedded when no connect string is configured), the Curator client, the store, the loop array,
 * the control plane with its REST API, health checks and tasks, and the pools the configuration asks for.
 */
final class ControlPlaneProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneProcess.class);

    private ControlPlaneProcess() {
    }

    static ControlPlane wire(Environment env, LunpoolConfiguration cfg, LunChores chores) throws Exception {
        return wire(env, cfg, chores, () -> LOG.info("control plane ready: REST API {}", cfg.controlPlane.advertiseUrl));
    }

    /** As above; {@code ready} runs once the server is up, this instance leads and the configured pools exist. */
    static ControlPlane wire(Environment env, LunpoolConfiguration cfg, LunChores chores, Runnable ready)
            throws Exception {
        checkPools(cfg.controlPlane);
        ControlPlaneConfig cp = cfg.controlPlane;
        InstanceLock lock = InstanceLock.acquire(Path.of(cp.stateDir), cp.advertiseUrl);
        env.lifecycle().manage(closing(lock::close));
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
        ControlPlane controlPlane = new ControlPlane(client, paths, store, cp.advertiseUrl,
                new LoopArray(Path.of(cp.arrayDirectory)), chores, cp.settings(), Clock.systemUTC(), env.metrics(),
                lock);
        RestWiring.register(env, controlPlane);
        AdminWiring.register(env, client, controlPlane);
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                controlPlane.start();
            }

            @Override
            public void stop() {
                controlPlane.close();
            }
        });
        // in the background: the server (and the plugin socket: Get works on a follower too) must not wait for
        // the lead, which another instance may hold
        Thread pools = new Thread(() -> {
            try {
                createPools(controlPlane, cp.pools);
                ready.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.error("creating the configured pools failed; create them with `lunpool pool set`", e);
            }
        }, "lunpool-configured-pools");
        pools.setDaemon(true);
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                pools.start();
            }
        });
        return controlPlane;
    }

    /**
     * Refuses to start on a configured pool that could never be created (bad name, size, counts or fsType), naming
     * it: otherwise the process would run without it and every create for it would fail later.
     */
    static void checkPools(ControlPlaneConfig cp) {
        PoolPolicy defaults = cp.settings().newPoolPolicy();
        for (Map.Entry<String, PoolConfig> e : cp.pools.entrySet()) {
            try {
                RequestTranslator.policy(e.getKey(), e.getValue() == null ? null : e.getValue().request(), defaults);
            } catch (LunpoolException bad) {
                throw new LunpoolException(bad.reason(), "controlPlane.pools." + e.getKey() + " in the configuration"
                        + " file: " + bad.getMessage(), bad);
            }
        }
    }

    /** Creates the configured pools that do not exist yet, once this instance leads (waits up to 2 minutes). */
    private static void createPools(ControlPlane controlPlane, Map<String, PoolConfig> pools) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
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
