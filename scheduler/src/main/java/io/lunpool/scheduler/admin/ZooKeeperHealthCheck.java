package io.lunpool.scheduler.admin;

import com.codahale.metrics.health.HealthCheck;
import org.apache.curator.framework.CuratorFramework;

/** Healthy while the ZooKeeper session is connected. */
public final class ZooKeeperHealthCheck extends HealthCheck {
    private final CuratorFramework client;

    public ZooKeeperHealthCheck(CuratorFramework client) {
        this.client = client;
    }

    @Override
    protected Result check() {
        if (client.getZookeeperClient().isConnected()) {
            return Result.healthy("connected to " + client.getZookeeperClient().getCurrentConnectionString());
        }
        return Result.unhealthy("not connected to ZooKeeper " + client.getZookeeperClient().getCurrentConnectionString());
    }
}
