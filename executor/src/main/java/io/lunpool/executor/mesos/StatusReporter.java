package io.lunpool.executor.mesos;

/** Sends a task's state to the agent, reliably: kept and sent again until the agent acknowledges it. Thread-safe. */
@FunctionalInterface
public interface StatusReporter {
    void report(String taskId, TaskPhase phase, String message);
}
