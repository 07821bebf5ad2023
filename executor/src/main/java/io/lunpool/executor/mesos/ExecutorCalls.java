package io.lunpool.executor.mesos;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.UUID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * The executor's calls, built without I/O. Every call carries the executor's and the framework's ids; a status
 * carries a fresh random 16-byte uuid (a version 4 UUID's bytes), {@code SOURCE_EXECUTOR} and the executor id.
 */
final class ExecutorCalls {
    private final FrameworkID frameworkId;
    private final ExecutorID executorId;

    ExecutorCalls(String frameworkId, String executorId) {
        this.frameworkId = FrameworkID.newBuilder().setValue(frameworkId).build();
        this.executorId = ExecutorID.newBuilder().setValue(executorId).build();
    }

    /** SUBSCRIBE, listing the launched tasks no update of which is acknowledged yet and every unacknowledged update. */
    Call subscribe(Collection<TaskInfo> unacknowledgedTasks, Collection<Call.Update> unacknowledgedUpdates) {
        return base(Call.Type.SUBSCRIBE).setSubscribe(Call.Subscribe.newBuilder()
                .addAllUnacknowledgedTasks(unacknowledgedTasks)
                .addAllUnacknowledgedUpdates(unacknowledgedUpdates)).build();
    }

    Call update(Call.Update update) {
        return base(Call.Type.UPDATE).setUpdate(update).build();
    }

    /** A status of the task with a fresh uuid; {@code nowSeconds} is its timestamp. */
    Call.Update status(String taskId, TaskPhase phase, String message, double nowSeconds) {
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(TaskID.newBuilder().setValue(taskId))
                .setState(state(phase))
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setExecutorId(executorId)
                .setUuid(freshUuid())
                .setTimestamp(nowSeconds);
        if (message != null && !message.isEmpty()) {
            status.setMessage(message);
        }
        if (phase == TaskPhase.ERROR) {
            status.setReason(TaskStatus.Reason.REASON_TASK_INVALID);
        }
        return Call.Update.newBuilder().setStatus(status).build();
    }

    static TaskState state(TaskPhase phase) {
        return switch (phase) {
            case STARTING -> TaskState.TASK_STARTING;
            case RUNNING -> TaskState.TASK_RUNNING;
            case KILLING -> TaskState.TASK_KILLING;
            case FINISHED -> TaskState.TASK_FINISHED;
            case FAILED -> TaskState.TASK_FAILED;
            case KILLED -> TaskState.TASK_KILLED;
            case ERROR -> TaskState.TASK_ERROR;
        };
    }

    static ByteString freshUuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    private Call.Builder base(Call.Type type) {
        return Call.newBuilder().setType(type).setFrameworkId(frameworkId).setExecutorId(executorId);
    }
}
