package io.lunpool.executor.fake;

import java.util.Optional;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * The agent's validation of an executor call ({@code common::validation::validateExecutorCall}), in its order: a
 * type, the call's own message, and for UPDATE a 16-byte uuid, the same executor id as the call, SOURCE_EXECUTOR
 * and never TASK_STAGING.
 */
final class ExecutorCallRules {
    private ExecutorCallRules() {
    }

    static Optional<String> invalid(Call call) {
        if (!call.hasType()) {
            return Optional.of("Expecting 'type' to be present");
        }
        if (!call.hasExecutorId()) {
            return Optional.of("Expecting 'executor_id' to be present");
        }
        if (!call.hasFrameworkId()) {
            return Optional.of("Expecting 'framework_id' to be present");
        }
        switch (call.getType()) {
            case SUBSCRIBE -> {
                if (!call.hasSubscribe()) {
                    return Optional.of("Expecting 'subscribe' to be present");
                }
            }
            case UPDATE -> {
                if (!call.hasUpdate()) {
                    return Optional.of("Expecting 'update' to be present");
                }
                TaskStatus status = call.getUpdate().getStatus();
                if (!status.hasUuid()) {
                    return Optional.of("Expecting 'uuid' to be present");
                }
                if (status.getUuid().size() != 16) {
                    return Optional.of("Not a valid UUID: it has " + status.getUuid().size() + " bytes, not 16");
                }
                if (status.hasExecutorId() && !status.getExecutorId().equals(call.getExecutorId())) {
                    return Optional.of("ExecutorID in Call: " + call.getExecutorId().getValue()
                            + " does not match ExecutorID in TaskStatus: " + status.getExecutorId().getValue());
                }
                if (status.getSource() != TaskStatus.Source.SOURCE_EXECUTOR) {
                    return Optional.of("Received Call from executor " + call.getExecutorId().getValue()
                            + " of framework " + call.getFrameworkId().getValue()
                            + " with invalid source, expecting 'SOURCE_EXECUTOR'");
                }
                if (status.getState() == TaskState.TASK_STAGING) {
                    return Optional.of("Received TASK_STAGING from executor " + call.getExecutorId().getValue()
                            + " of framework " + call.getFrameworkId().getValue() + " which is not allowed");
                }
            }
            case MESSAGE -> {
                if (!call.hasMessage()) {
                    return Optional.of("Expecting 'message' to be present");
                }
            }
            default -> {
            }
        }
        return Optional.empty();
    }
}
