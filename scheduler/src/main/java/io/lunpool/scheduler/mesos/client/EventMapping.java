package io.lunpool.scheduler.mesos.client;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Converts the payloads of events into the client's records. */
final class EventMapping {
    private EventMapping() {
    }

    static TaskUpdate taskUpdate(TaskStatus s) {
        return new TaskUpdate(s.getTaskId().getValue(),
                s.hasAgentId() ? Optional.of(s.getAgentId().getValue()) : Optional.empty(),
                MesosTaskState.valueOf(s.getState().name()), s.getSource().name(),
                s.hasReason() ? Optional.of(s.getReason().name()) : Optional.empty(), s.getMessage(),
                s.hasExecutorId() ? Optional.of(s.getExecutorId().getValue()) : Optional.empty(), s.hasUuid(),
                s.getTimestamp(),
                s.hasData() ? Optional.of(s.getData().toString(StandardCharsets.UTF_8)) : Optional.empty());
    }

    static OperationUpdate operationUpdate(OperationStatus s) {
        return new OperationUpdate(
                s.hasOperationId() ? Optional.of(s.getOperationId().getValue()) : Optional.empty(),
                s.getState().name(), s.getMessage(),
                s.hasAgentId() ? Optional.of(s.getAgentId().getValue()) : Optional.empty(),
                s.hasResourceProviderId() ? Optional.of(s.getResourceProviderId().getValue()) : Optional.empty(),
                s.hasUuid());
    }

    static AgentFailure failure(Event.Failure f) {
        return new AgentFailure(f.hasAgentId() ? Optional.of(f.getAgentId().getValue()) : Optional.empty(),
                f.hasExecutorId() ? Optional.of(f.getExecutorId().getValue()) : Optional.empty(),
                f.hasStatus() ? OptionalInt.of(f.getStatus()) : OptionalInt.empty());
    }
}
