package io.lunpool.scheduler.mesos.fake;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * A launched task and its status-update stream as the agent keeps it: updates wait in order, only the first
 * is delivered (and delivered again until it is acknowledged), and the next one goes out after its ack.
 */
final class FakeTask {
    final TaskInfo info;
    final String frameworkId;
    TaskState state = TaskState.TASK_STAGING;
    TaskState latestSent = TaskState.TASK_STAGING;
    final Deque<TaskStatus> pending = new ArrayDeque<>();
    boolean headSent;

    FakeTask(TaskInfo info, String frameworkId) {
        this.info = info;
        this.frameworkId = frameworkId;
    }

    String id() {
        return info.getTaskId().getValue();
    }

    String agentId() {
        return info.getAgentId().getValue();
    }

    Optional<TaskStatus> head() {
        return Optional.ofNullable(pending.peekFirst());
    }
}
