package io.lunpool.scheduler.mesos.client;

/** The task states of Mesos 1.11, by their proto names. */
public enum MesosTaskState {
    TASK_STAGING(false),
    TASK_STARTING(false),
    TASK_RUNNING(false),
    TASK_KILLING(false),
    TASK_FINISHED(true),
    TASK_FAILED(true),
    TASK_KILLED(true),
    TASK_ERROR(true),
    TASK_LOST(true),
    TASK_DROPPED(true),
    TASK_UNREACHABLE(false),
    TASK_GONE(true),
    TASK_GONE_BY_OPERATOR(true),
    TASK_UNKNOWN(false);

    private final boolean terminal;

    MesosTaskState(boolean terminal) {
        this.terminal = terminal;
    }

    /** True when the task will never run again (TASK_UNREACHABLE and TASK_UNKNOWN are not terminal). */
    public boolean terminal() {
        return terminal;
    }
}
