package io.lunpool.scheduler.admin;

import io.dropwizard.core.setup.Environment;
import io.lunpool.scheduler.ControlPlane;
import org.apache.curator.framework.CuratorFramework;

/**
 * Registers the control plane's admin pieces: the ZooKeeper, leadership and pools health checks (each answers
 * within a second whatever ZooKeeper does) and the tasks.
 */
public final class AdminWiring {
    private AdminWiring() {
    }

    public static void register(Environment env, CuratorFramework client, ControlPlane controlPlane) {
        ConnectionWatch connection = new ConnectionWatch(client);
        env.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(connection));
        env.healthChecks().register("leadership", new LeadershipHealthCheck(controlPlane.leadership(), connection));
        env.healthChecks().register("pools", new PoolsHealthCheck(controlPlane));
        env.admin().addTask(new RunMaintainerTask(controlPlane));
        env.admin().addTask(new WipeLunTask(controlPlane));
    }
}
