package io.lunpool.scheduler.admin;

import com.codahale.metrics.health.HealthCheck;
import io.lunpool.scheduler.leader.Leadership;

/** Healthy while some instance leads; says which, and whether it is this one. */
public final class LeadershipHealthCheck extends HealthCheck {
    private final Leadership leadership;

    public LeadershipHealthCheck(Leadership leadership) {
        this.leadership = leadership;
    }

    @Override
    protected Result check() {
        return leadership.leaderUrl()
                .map(url -> Result.builder().healthy().withMessage("leader=%s", url)
                        .withDetail("isLeader", leadership.isLeader()).build())
                .orElseGet(() -> Result.unhealthy("no leader elected"));
    }
}
