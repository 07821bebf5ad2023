package io.lunpool.executor.task;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.ChoreRequest;
import io.lunpool.executor.backend.BackendCall;
import io.lunpool.executor.backend.BackendClient;
import io.lunpool.executor.mesos.StatusReporter;
import io.lunpool.executor.mesos.TaskPhase;
import java.time.Duration;

/**
 * A chore task: the executor never touches a device; it asks the backend on this host to do the chore and waits
 * for its answer. TASK_STARTING, TASK_RUNNING, then TASK_FINISHED or TASK_FAILED with the backend's reason. A kill
 * stops the wait (the connection is closed); the backend finishes or fails the chore on its own, and a chore
 * launched again on the LUN waits for it there (one chore per LUN at a time).
 */
final class ChoreRun implements RunningTask {
    private final String taskId;
    private final ChoreRequest chore;
    private final BackendClient backend;
    private final StatusReporter reporter;
    private final BackendCall call;
    private volatile boolean killed;

    ChoreRun(String taskId, ChoreRequest chore, BackendClient backend, StatusReporter reporter) {
        this.taskId = taskId;
        this.chore = chore;
        this.backend = backend;
        this.reporter = reporter;
        this.call = new BackendCall(backend.socket());
    }

    void run() {
        String what = chore.kind().id() + " of LUN " + chore.wwn();
        reporter.report(taskId, TaskPhase.STARTING, what + " on the backend at " + backend.socket());
        if (killed) {
            reporter.report(taskId, TaskPhase.KILLED, what + " was killed before it started");
            return;
        }
        reporter.report(taskId, TaskPhase.RUNNING, what + " is running");
        try {
            backend.chore(chore, call);
        } catch (LunpoolException e) {
            if (killed) {
                reporter.report(taskId, TaskPhase.KILLED, what + " was killed while the backend ran it; the backend"
                        + " finishes or fails it on its own, and a chore launched again on this LUN waits for it");
            } else {
                reporter.report(taskId, TaskPhase.FAILED, what + " failed: " + e + "; the LUN is left as the failure"
                        + " left it: launch the chore again once the cause is fixed");
            }
            return;
        }
        reporter.report(taskId, TaskPhase.FINISHED, chore.kind() == ChoreRequest.Kind.PREPARE
                ? what + " is done: an " + chore.fsType().id() + " filesystem is made" + (chore.options().isEmpty()
                        ? "" : " with mkfs options " + chore.options())
                : what + " is done: the LUN reads back as zeros");
    }

    @Override
    public void kill(Duration grace) {
        killed = true;
        call.abort();
    }
}
