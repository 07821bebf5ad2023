package io.lunpool.executor.mesos;

/**
 * The states an executor reports for a task (never STAGING, which the agent refuses, and never the states Mesos
 * makes itself: LOST, DROPPED, GONE, UNREACHABLE, UNKNOWN). ERROR is for a task that cannot run as given.
 */
public enum TaskPhase {
    STARTING(false), RUNNING(false), KILLING(false), FINISHED(true), FAILED(true), KILLED(true), ERROR(true);

    private final boolean terminal;

    TaskPhase(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }
}
