package io.lunpool.scheduler.pool;

import io.lunpool.core.api.PoolView;
import io.lunpool.core.model.PoolPolicy;

/**
 * Decides how a pool moves toward {@code minFree ≤ FREE ≤ maxFree}. LUNs being prepared, wiped or
 * provisioned count as future FREE ones, so a refill is not ordered twice; {@code maxLuns} caps growth.
 * Pure: the maintainer carries the decision out.
 */
public final class PoolPlanner {
    private PoolPlanner() {
    }

    /** Provision {@code provision} new LUNs and retire {@code retire} FREE ones. */
    public record Actions(int provision, int retire) {
        public static final Actions NONE = new Actions(0, 0);
    }

    public static Actions plan(PoolPolicy policy, PoolView.Counts counts, int provisioning) {
        int coming = counts.free() + counts.preparing() + counts.wiping() + provisioning;
        int provision = Math.max(0, policy.minFree() - coming);
        if (policy.maxLuns() > 0) {
            int total = counts.free() + counts.claimed() + counts.preparing() + counts.wiping() + counts.failed()
                    + provisioning;
            provision = Math.max(0, Math.min(provision, policy.maxLuns() - total));
        }
        int retire = Math.max(0, counts.free() - policy.maxFree());
        return new Actions(provision, retire);
    }
}
