package io.lunpool.scheduler.admin;

import io.lunpool.core.api.PoolView;
import io.lunpool.scheduler.ControlPlane;
import java.util.ArrayList;
import java.util.List;

/**
 * Pools below minFree FREE LUNs, or holding FAILED LUNs, are reported as warnings: the check stays
 * healthy (a refill is under way or the slow path covers it) but its message and details name them. The
 * leader answers from its inventory; a follower reads ZooKeeper, within the bounded check's time limit.
 */
public final class PoolsHealthCheck extends BoundedHealthCheck {
    private final ControlPlane controlPlane;

    public PoolsHealthCheck(ControlPlane controlPlane) {
        super("pools");
        this.controlPlane = controlPlane;
    }

    @Override
    Result examine() {
        List<String> warnings = new ArrayList<>();
        ResultBuilder result = Result.builder().healthy();
        for (PoolView p : controlPlane.pools()) {
            if (p.counts().free() < p.policy().minFree()) {
                warnings.add("pool " + p.name() + " has " + p.counts().free() + " FREE LUNs, below minFree "
                        + p.policy().minFree());
            }
            if (p.counts().failed() > 0) {
                warnings.add("pool " + p.name() + " has " + p.counts().failed() + " FAILED LUNs");
            }
            result.withDetail(p.name(), p.counts());
        }
        return result.withMessage(warnings.isEmpty() ? "all pools within policy"
                : "WARNING: " + String.join("; ", warnings)).build();
    }
}
