package io.lunpool.scheduler.admin;

import com.codahale.metrics.health.HealthCheck;

/** Healthy while the ZooKeeper session is connected; otherwise says since when and in which state it is not. */
public final class ZooKeeperHealthCheck extends HealthCheck {
    private final ConnectionWatch connection;

    ZooKeeperHealthCheck(ConnectionWatch connection) {
        this.connection = connection;
    }

    @Override
    protected Result check() {
        if (connection.connected()) {
            return Result.healthy("connected to " + connection.ensemble());
        }
        return Result.unhealthy(connection.down());
    }
}
