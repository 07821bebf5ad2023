package io.lunpool.executor.fake;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;

/**
 * A task as the fake agent keeps it: its latest state, whether its LAUNCH reached the executor, and its status
 * updates in the order the agent took them (duplicates by uuid once), of which the master picks up one at a time:
 * the next only after the scheduler acknowledged the previous.
 */
final class FakeAgentTask {
    final TaskInfo info;
    final String executorId;
    TaskState state = TaskState.TASK_STAGING;
    boolean delivered;
    final List<TaskStatus> updates = new ArrayList<>();
    private final Set<ByteString> uuids = new HashSet<>();
    private int acknowledgedByScheduler;

    FakeAgentTask(TaskInfo info) {
        this.info = info;
        this.executorId = info.getExecutor().getExecutorId().getValue();
    }

    String id() {
        return info.getTaskId().getValue();
    }

    /** Takes an update; false for a uuid taken before (a duplicate, acknowledged again but kept once). */
    boolean take(TaskStatus status) {
        if (!uuids.add(status.getUuid())) {
            return false;
        }
        updates.add(status);
        state = status.getState();
        return true;
    }

    boolean terminal() {
        return switch (state) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    Optional<TaskStatus> nextForScheduler() {
        return acknowledgedByScheduler < updates.size() ? Optional.of(updates.get(acknowledgedByScheduler))
                : Optional.empty();
    }

    /** The scheduler acknowledged the update the master has now; false when {@code uuid} is not that one. */
    boolean schedulerAcknowledged(ByteString uuid) {
        Optional<TaskStatus> head = nextForScheduler();
        if (head.isEmpty() || !head.get().getUuid().equals(uuid)) {
            return false;
        }
        acknowledgedByScheduler++;
        return true;
    }
}
