package io.lunpool.executor.mesos;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.executor.Protos.Call;

/**
 * What the executor owes the agent, without I/O: the tasks it launched, which of them no update has been
 * acknowledged for yet, and every update the agent has not acknowledged, with the connection (epoch) it last went
 * out on. An update leaves only when the agent acknowledges its uuid; a task leaves the unacknowledged tasks with the
 * first acknowledged update. SUBSCRIBE lists both, in the order they arose.
 */
final class UpdateLedger {
    /** An update the agent has not acknowledged, and the epoch it went out on last (0: never sent). */
    record Pending(Call.Update update, long sentEpoch) {
        String taskId() {
            return update.getStatus().getTaskId().getValue();
        }

        ByteString uuid() {
            return update.getStatus().getUuid();
        }
    }

    private final Map<String, TaskInfo> launched = new LinkedHashMap<>();
    private final Map<String, TaskInfo> unacknowledgedTasks = new LinkedHashMap<>();
    private final Map<String, TaskPhase> lastPhase = new LinkedHashMap<>();
    private final Map<ByteString, Pending> pending = new LinkedHashMap<>();

    /** Records a launched task; false when a task of that id was launched before (the launch is ignored). */
    boolean launched(TaskInfo task) {
        String id = task.getTaskId().getValue();
        if (launched.containsKey(id)) {
            return false;
        }
        launched.put(id, task);
        unacknowledgedTasks.put(id, task);
        return true;
    }

    boolean known(String taskId) {
        return launched.containsKey(taskId);
    }

    Optional<TaskInfo> task(String taskId) {
        return Optional.ofNullable(launched.get(taskId));
    }

    /** The last state reported for the task, if any. */
    Optional<TaskPhase> phase(String taskId) {
        return Optional.ofNullable(lastPhase.get(taskId));
    }

    boolean terminal(String taskId) {
        return phase(taskId).map(TaskPhase::terminal).orElse(false);
    }

    /** Keeps a new update (not sent yet) and the task's state it reports. */
    void add(TaskPhase phase, Call.Update update) {
        lastPhase.put(update.getStatus().getTaskId().getValue(), phase);
        pending.put(update.getStatus().getUuid(), new Pending(update, 0));
    }

    /** The update went out on {@code epoch} (in SUBSCRIBE or as an UPDATE call). */
    void sent(ByteString uuid, long epoch) {
        pending.computeIfPresent(uuid, (k, p) -> new Pending(p.update(), epoch));
    }

    /** Every unacknowledged update listed in a SUBSCRIBE on {@code epoch} went out with it. */
    void allSent(long epoch) {
        pending.replaceAll((k, p) -> new Pending(p.update(), epoch));
    }

    /** The agent has the update: true when it was pending (an unknown or repeated acknowledgement is false). */
    boolean acknowledge(String taskId, ByteString uuid) {
        Pending p = pending.get(uuid);
        if (p == null || !p.taskId().equals(taskId)) {
            return false;
        }
        pending.remove(uuid);
        unacknowledgedTasks.remove(taskId);
        return true;
    }

    List<TaskInfo> unacknowledgedTasks() {
        return List.copyOf(unacknowledgedTasks.values());
    }

    List<Call.Update> unacknowledgedUpdates() {
        return pending.values().stream().map(Pending::update).toList();
    }

    /** The unacknowledged updates that did not go out on {@code epoch}. */
    List<Pending> notSentOn(long epoch) {
        List<Pending> out = new ArrayList<>();
        pending.values().stream().filter(p -> p.sentEpoch() != epoch).forEach(out::add);
        return out;
    }

    int pendingCount() {
        return pending.size();
    }

    /** Tasks launched and not ended (no terminal state reported yet). */
    List<String> live() {
        return launched.keySet().stream().filter(id -> !terminal(id)).toList();
    }

    /** At least one task was launched and every one has reported a terminal state. */
    boolean allEnded() {
        return !launched.isEmpty() && live().isEmpty();
    }

    /** Every task ended and the agent has every update: the executor's work is done. */
    boolean settled() {
        return allEnded() && pending.isEmpty();
    }
}
