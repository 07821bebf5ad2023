package io.lunpool.scheduler.mesos.fake;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Tasks and their status updates, under the core's lock. An agent's update carries a fresh 16-byte uuid and is
 * delivered, and delivered again every redelivery interval, until the framework acknowledges that uuid; only
 * then does the task's next update go out. The master's own updates (invalid offers, task errors,
 * reconciliation) carry no uuid. Reconciliation answers follow the master's table: the latest state of a known
 * task; nothing while the task's agent (or, with no agent given, any agent) is still recovering; TASK_GONE,
 * TASK_UNREACHABLE, TASK_GONE_BY_OPERATOR or TASK_UNKNOWN otherwise (TASK_LOST without PARTITION_AWARE).
 */
final class FakeTaskUpdates {
    private final FakeMasterCore core;
    final Map<String, FakeTask> tasks = new LinkedHashMap<>();
    final List<Call.Acknowledge> ignoredAcks = new ArrayList<>();

    FakeTaskUpdates(FakeMasterCore core) {
        this.core = core;
    }

    boolean known(String taskId) {
        return tasks.containsKey(taskId);
    }

    void launched(FakeFramework f, TaskInfo task) {
        tasks.put(task.getTaskId().getValue(), new FakeTask(task, f.id));
    }

    /** An update from the task's agent (its executor): queued behind any unacknowledged one. */
    void agentUpdate(String taskId, TaskState state, Optional<TaskStatus.Reason> reason, String message) {
        FakeTask t = tasks.get(taskId);
        if (t == null) {
            throw new IllegalArgumentException("no task " + taskId);
        }
        TaskStatus.Builder status = TaskStatus.newBuilder()
                .setTaskId(t.info.getTaskId())
                .setState(state)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
                .setAgentId(t.info.getAgentId())
                .setTimestamp(core.clock.millis() / 1000.0)
                .setUuid(uuid())
                .setMessage(message);
        if (t.info.hasExecutor()) {
            status.setExecutorId(t.info.getExecutor().getExecutorId());
        }
        reason.ifPresent(status::setReason);
        t.pending.addLast(status.build());
        if (t.pending.size() == 1) {
            deliverHead(t);
        }
    }

    void acknowledge(FakeFramework f, Call.Acknowledge ack) {
        FakeTask t = tasks.get(ack.getTaskId().getValue());
        if (t == null || !t.frameworkId.equals(f.id) || t.head().isEmpty()
                || !t.head().get().getUuid().equals(ack.getUuid())
                || !t.agentId().equals(ack.getAgentId().getValue())) {
            ignoredAcks.add(ack);
            return;
        }
        TaskStatus acked = t.pending.removeFirst();
        t.headSent = false;
        t.state = acked.getState();
        if (terminal(acked.getState()) && t.pending.isEmpty()) {
            tasks.remove(t.id());
            return;
        }
        if (!t.pending.isEmpty()) {
            deliverHead(t);
        }
    }

    /** The redelivery tick: every unacknowledged head goes out again. */
    void redeliver() {
        for (FakeTask t : tasks.values()) {
            if (t.headSent && t.head().isPresent()) {
                FakeFramework f = core.frameworks.get(t.frameworkId);
                if (f != null) {
                    core.send(f, update(t.head().get()));
                }
            }
        }
    }

    /** After a (re)subscription the agents resend what is not acknowledged. */
    void resend(FakeFramework f) {
        for (FakeTask t : tasks.values()) {
            if (t.frameworkId.equals(f.id) && t.headSent && t.head().isPresent()) {
                core.send(f, update(t.head().get()));
            }
        }
    }

    void kill(FakeFramework f, Call.Kill kill) {
        FakeTask t = tasks.get(kill.getTaskId().getValue());
        if (t == null || !t.frameworkId.equals(f.id)) {
            Call.Reconcile.Task.Builder task = Call.Reconcile.Task.newBuilder().setTaskId(kill.getTaskId());
            if (kill.hasAgentId()) {
                task.setAgentId(kill.getAgentId());
            }
            reconcile(f, Call.Reconcile.newBuilder().addTasks(task).build());
            return;
        }
        if (kill.hasAgentId() && !kill.getAgentId().getValue().equals(t.agentId())) {
            return;
        }
        agentUpdate(t.id(), TaskState.TASK_KILLED, Optional.empty(), "Killed by the scheduler");
    }

    void reconcile(FakeFramework f, Call.Reconcile reconcile) {
        if (reconcile.getTasksCount() == 0) {
            for (FakeTask t : tasks.values()) {
                if (t.frameworkId.equals(f.id)) {
                    masterUpdate(f, t.info.getTaskId(), Optional.of(t.info.getAgentId()), t.latestSent,
                            TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Latest task state");
                }
            }
            return;
        }
        boolean anyRecovering = core.allocator.agents.values().stream()
                .anyMatch(a -> a.registration == AgentRegistration.RECOVERING);
        for (Call.Reconcile.Task asked : reconcile.getTasksList()) {
            FakeTask t = tasks.get(asked.getTaskId().getValue());
            Optional<AgentID> agentId = asked.hasAgentId() ? Optional.of(asked.getAgentId()) : Optional.empty();
            FakeAgent agent = agentId.map(a -> core.allocator.agents.get(a.getValue())).orElse(null);
            if (t != null && t.frameworkId.equals(f.id)) {
                masterUpdate(f, t.info.getTaskId(), Optional.of(t.info.getAgentId()), t.latestSent,
                        TaskStatus.Reason.REASON_RECONCILIATION, "Reconciliation: Latest task state");
            } else if ((agent != null && agent.registration == AgentRegistration.RECOVERING)
                    || (agentId.isEmpty() && anyRecovering)) {
                continue;
            } else if (agent != null && agent.registration == AgentRegistration.REGISTERED) {
                answer(f, asked, TaskState.TASK_GONE, "Reconciliation: Task is unknown to the agent", null);
            } else if (agent != null && agent.registration == AgentRegistration.UNREACHABLE) {
                answer(f, asked, TaskState.TASK_UNREACHABLE, "Reconciliation: Task is unreachable",
                        agent.unreachableSince);
            } else if (agent != null && agent.registration == AgentRegistration.GONE) {
                answer(f, asked, TaskState.TASK_GONE_BY_OPERATOR, "Reconciliation: Task is gone", null);
            } else {
                answer(f, asked, TaskState.TASK_UNKNOWN, "Reconciliation: Task is unknown", null);
            }
        }
    }

    /** An update the master makes itself: SOURCE_MASTER, no uuid, never acknowledged. */
    void masterUpdate(FakeFramework f, TaskID taskId, Optional<AgentID> agentId, TaskState state,
                      TaskStatus.Reason reason, String message) {
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(taskId).setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(reason).setMessage(message)
                .setTimestamp(core.clock.millis() / 1000.0);
        agentId.ifPresent(status::setAgentId);
        core.send(f, update(status.build()));
    }

    void removeFramework(FakeFramework f) {
        tasks.values().removeIf(t -> {
            if (t.frameworkId.equals(f.id)) {
                FakeAgent a = core.allocator.agents.get(t.agentId());
                if (a != null) {
                    a.usedByTask.remove(t.id());
                }
                return true;
            }
            return false;
        });
    }

    void forgetTasks() {
        tasks.clear();
    }

    private void answer(FakeFramework f, Call.Reconcile.Task asked, TaskState partitionAwareState, String message,
                        TimeInfo unreachableSince) {
        TaskState state = f.partitionAware() ? partitionAwareState : TaskState.TASK_LOST;
        TaskStatus.Builder status = TaskStatus.newBuilder().setTaskId(asked.getTaskId()).setState(state)
                .setSource(TaskStatus.Source.SOURCE_MASTER).setReason(TaskStatus.Reason.REASON_RECONCILIATION)
                .setMessage(message).setTimestamp(core.clock.millis() / 1000.0);
        if (asked.hasAgentId()) {
            status.setAgentId(asked.getAgentId());
        }
        if (unreachableSince != null) {
            status.setUnreachableTime(unreachableSince);
        }
        core.send(f, update(status.build()));
    }

    private void deliverHead(FakeTask t) {
        TaskStatus head = t.head().orElseThrow();
        t.headSent = true;
        t.latestSent = head.getState();
        if (terminal(head.getState())) {
            FakeAgent a = core.allocator.agents.get(t.agentId());
            if (a != null) {
                a.usedByTask.remove(t.id());
            }
        }
        FakeFramework f = core.frameworks.get(t.frameworkId);
        if (f != null) {
            core.send(f, update(head));
        }
    }

    private static Event update(TaskStatus status) {
        return Event.newBuilder().setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    private static ByteString uuid() {
        UUID u = UUID.randomUUID();
        return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                .putLong(u.getLeastSignificantBits()).array());
    }

    static boolean terminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }
}
