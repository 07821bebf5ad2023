package io.lunpool.scheduler;

import com.codahale.metrics.MetricRegistry;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.store.ZkPaths;
import io.lunpool.scheduler.store.ZkStateStore;
import io.lunpool.scheduler.zk.CuratorClients;
import java.time.Clock;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;

/**
 * One control-plane instance for tests, on a real ZooKeeper: its own Curator session, store and
 * control plane. The maintainer only runs when a test calls {@link ControlPlane#runMaintainer()}.
 */
public final class ControlPlaneFixture implements AutoCloseable {
    public final CuratorFramework client;
    public final ZkStateStore store;
    public final ControlPlane controlPlane;
    public final MetricRegistry metrics;

    private boolean closed;

    public ControlPlaneFixture(String connect, ZkPaths paths, String url, StorageArray array, LunChores chores,
                               ControlPlaneSettings settings) throws Exception {
        this(connect, paths, url, array, chores, settings, Duration.ofSeconds(4));
    }

    /** With another ZooKeeper session timeout than the 4 s the others use. */
    public ControlPlaneFixture(String connect, ZkPaths paths, String url, StorageArray array, LunChores chores,
                               ControlPlaneSettings settings, Duration session) throws Exception {
        this(CuratorClients.start(connect, session), paths, url, array, chores, settings);
    }

    /** On a Curator client of the caller's (started and connected); {@link #close()} closes it. */
    public ControlPlaneFixture(CuratorFramework client, ZkPaths paths, String url, StorageArray array,
                               LunChores chores, ControlPlaneSettings settings) throws Exception {
        this(client, paths, url, array, chores, settings, new MetricRegistry());
    }

    /** As above, registering the control plane's metrics in {@code metrics}. */
    public ControlPlaneFixture(CuratorFramework client, ZkPaths paths, String url, StorageArray array,
                               LunChores chores, ControlPlaneSettings settings, MetricRegistry metrics)
            throws Exception {
        this.client = client;
        this.metrics = metrics;
        this.store = ZkStateStore.create(client, paths);
        this.controlPlane = new ControlPlane(client, paths, store, url, array, chores, settings, Clock.systemUTC(),
                metrics);
        controlPlane.start();
    }

    /** Test settings: the maintainer never runs on a timer. */
    public static ControlPlaneSettings manualSettings() {
        ControlPlaneSettings d = ControlPlaneSettings.defaults();
        return new ControlPlaneSettings("default", d.batcher(), Duration.ofSeconds(60), Duration.ZERO, 2,
                d.newPoolPolicy());
    }

    /** Waits until this instance leads and has loaded its inventory. */
    public LeaderTerm awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (controlPlane.leaderTerm().isPresent()) {
                return controlPlane.leaderTerm().get();
            }
            Thread.sleep(10);
        }
        throw new AssertionError(controlPlane.leadership().self() + " did not become leader within " + timeout);
    }

    public void pool(String name, String lunSize, int minFree, int maxFree, String fsType, int maxLuns) {
        controlPlane.setPool(name, new PoolRequest(lunSize, minFree, maxFree, fsType, null, maxLuns));
    }

    /** Closes the control plane (its term ends) and its session; closing again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        controlPlane.close();
        client.close();
    }
}
