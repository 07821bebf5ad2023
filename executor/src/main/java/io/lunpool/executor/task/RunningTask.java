package io.lunpool.executor.task;

import java.time.Duration;

/** A task this executor runs: it ends on its own, or when killed, within the grace period, and reports how. */
interface RunningTask {
    void kill(Duration grace);
}
