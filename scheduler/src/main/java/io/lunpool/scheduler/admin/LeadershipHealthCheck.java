package io.lunpool.scheduler.admin;

import com.codahale.metrics.health.HealthCheck;
import io.lunpool.scheduler.leader.Leadership;
import java.util.Optional;

/**
 * Healthy while some instance leads and this one reaches ZooKeeper; says which instance leads and whether it
 * is this one. Reads only the leadership's cached view, so it never waits on ZooKeeper.
 */
public final class LeadershipHealthCheck extends HealthCheck {
    private final Leadership leadership;
    private final ConnectionWatch connection;

    LeadershipHealthCheck(Leadership leadership, ConnectionWatch connection) {
        this.leadership = leadership;
        this.connection = connection;
    }

    @Override
    protected Result check() {
        Optional<String> leader = leadership.leaderUrl();
        boolean self = leadership.isLeader();
        if (!connection.connected()) {
            return Result.builder().unhealthy().withMessage("%s; %s", self
                            ? "this instance leads, but its writes wait until ZooKeeper is back (or the session is lost)"
                            : "last known leader=" + leader.orElse("none"), connection.down())
                    .withDetail("isLeader", self).build();
        }
        if (leader.isPresent()) {
            return Result.builder().healthy().withMessage("leader=%s", leader.get()).withDetail("isLeader", self)
                    .build();
        }
        return Result.builder().unhealthy().withMessage(leadership.electedButNotLeading()
                        ? "this instance is elected and starting its term; it serves writes once the term runs"
                        : "no leader elected").withDetail("isLeader", false).build();
    }
}
