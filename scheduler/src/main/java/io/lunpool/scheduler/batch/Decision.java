package io.lunpool.scheduler.batch;

import io.lunpool.core.LunpoolException;

/** What the planner decided for one request of a batch. */
sealed interface Decision {
    /** Answer with this once the batch's transaction has committed. */
    record Answer(Outcome outcome) implements Decision {
    }

    /** Fail now; the request wrote nothing. */
    record Fail(LunpoolException error) implements Decision {
    }

    /** The pool has no FREE LUN but may grow: provision one on the slow path, then retry with it reserved. */
    record NeedsLun(String pool) implements Decision {
    }
}
