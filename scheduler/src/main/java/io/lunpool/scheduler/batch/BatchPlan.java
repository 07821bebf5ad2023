package io.lunpool.scheduler.batch;

import io.lunpool.scheduler.store.StoreOp;
import java.util.List;

/** One transaction for a batch of requests, the decision for each request, and the array calls around it. */
record BatchPlan(List<StoreOp> ops, List<Integer> owners, List<Overlay.Change> changes, List<Decision> decisions,
                 List<ArrayEffect> before, List<ArrayEffect> after) {
    boolean writes() {
        return !changes.isEmpty();
    }
}
