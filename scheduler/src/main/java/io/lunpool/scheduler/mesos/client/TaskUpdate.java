package io.lunpool.scheduler.mesos.client;

import java.util.Optional;

/**
 * A task's status update. {@code reliable} updates come from an agent or executor and are acknowledged by the
 * client once the listener has handled them; the master's own (reconciliation, invalid offers) are not.
 */
public record TaskUpdate(String taskId, Optional<String> agentId, MesosTaskState state, String source,
                         Optional<String> reason, String message, Optional<String> executorId, boolean reliable,
                         double timestamp, Optional<String> data) {
}
