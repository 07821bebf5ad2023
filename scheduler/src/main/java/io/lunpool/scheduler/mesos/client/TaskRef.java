package io.lunpool.scheduler.mesos.client;

import java.util.Optional;

/** A task to reconcile: its id and, when known, its agent (the master answers better with it). */
public record TaskRef(String taskId, Optional<String> agentId) {
}
