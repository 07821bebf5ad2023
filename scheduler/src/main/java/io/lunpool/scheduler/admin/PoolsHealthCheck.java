package io.lunpool.scheduler.admin;

import io.lunpool.core.api.PoolView;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.scheduler.ControlPlane;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.pool.MaintainerFailures;
import io.lunpool.scheduler.pool.PoolMaintainer;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pools below minFree FREE LUNs, or holding FAILED LUNs (named with their reasons on the leader), are reported as
 * warnings: the check stays healthy (a refill is under way or the slow path covers it) but its message and
 * details name them. On the leader, what keeps failing in the pool maintainer (carving on a full array, an array
 * that cannot be listed, a claim the array refuses) makes the check unhealthy, naming the pool and the reason,
 * until it works again. The leader answers from its inventory; a follower reads ZooKeeper, within the bounded
 * check's time limit.
 */
public final class PoolsHealthCheck extends BoundedHealthCheck {
    private static final int FAILED_NAMED = 5;
    private final ControlPlane controlPlane;

    public PoolsHealthCheck(ControlPlane controlPlane) {
        super("pools");
        this.controlPlane = controlPlane;
    }

    @Override
    Result examine() {
        List<String> warnings = new ArrayList<>();
        Optional<LeaderTerm> term = controlPlane.leaderTerm();
        List<MaintainerFailures.Failure> failing = term.map(LeaderTerm::maintainer).map(PoolMaintainer::failures)
                .map(MaintainerFailures::standing).orElse(List.of());
        ResultBuilder result = failing.isEmpty() ? Result.builder().healthy() : Result.builder().unhealthy();
        for (PoolView p : controlPlane.pools()) {
            if (p.counts().free() < p.policy().minFree()) {
                warnings.add("pool " + p.name() + " has " + p.counts().free() + " FREE LUNs, below minFree "
                        + p.policy().minFree());
            }
            if (p.counts().failed() > 0) {
                warnings.add("pool " + p.name() + " has " + p.counts().failed() + " FAILED LUNs" + failedLuns(term,
                        p.name()));
            }
            result.withDetail(p.name(), p.counts());
        }
        List<String> problems = failing.stream().map(MaintainerFailures.Failure::describe).toList();
        if (!problems.isEmpty()) {
            result.withDetail("maintainerFailures", problems);
        }
        String message;
        if (!problems.isEmpty()) {
            message = "FAILING: " + String.join("; ", problems) + (warnings.isEmpty() ? ""
                    : "; WARNING: " + String.join("; ", warnings));
        } else {
            message = warnings.isEmpty() ? "all pools within policy" : "WARNING: " + String.join("; ", warnings);
        }
        return result.withMessage(message).build();
    }

    /** The first FAILED LUNs of the pool with the reason each failed, as the leader's inventory has them. */
    private static String failedLuns(Optional<LeaderTerm> term, String pool) {
        if (term.isEmpty()) {
            return "";
        }
        List<String> named = term.get().inventory().luns().stream().map(Versioned::value)
                .filter(l -> l.pool().equals(pool) && l.state() == LunState.FAILED).limit(FAILED_NAMED)
                .map(PoolsHealthCheck::describe).toList();
        return named.isEmpty() ? "" : " (" + String.join(", ", named) + ")";
    }

    private static String describe(Lun lun) {
        return lun.wwn() + ": " + (lun.failure() == null ? "no reason recorded" : lun.failure());
    }
}
