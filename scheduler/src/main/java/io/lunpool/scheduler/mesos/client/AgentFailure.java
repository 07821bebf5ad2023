package io.lunpool.scheduler.mesos.client;

import java.util.Optional;
import java.util.OptionalInt;

/** An agent was removed (no executor id) or an executor exited (with its wait status). */
public record AgentFailure(Optional<String> agentId, Optional<String> executorId, OptionalInt status) {
}
