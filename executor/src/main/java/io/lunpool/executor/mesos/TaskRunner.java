package io.lunpool.executor.mesos;

import java.time.Duration;

/**
 * Runs the tasks Mesos launches on this executor. The executor calls it in event order from one thread, so no call
 * may block: work runs elsewhere and reports through the {@link StatusReporter}. Every launched task must come to a
 * terminal report (FINISHED, FAILED, KILLED or ERROR), a killed one within its grace period.
 */
public interface TaskRunner {
    void launch(LaunchedTask task, StatusReporter reporter);

    /** Stops the task within {@code grace} and reports it KILLED (or how it ended, when it ended first). */
    void kill(String taskId, Duration grace);

    /** Stops every task within {@code grace}: the executor is shutting down. */
    void killAll(Duration grace);
}
