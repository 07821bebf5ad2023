package io.lunpool.scheduler.mesos.client;

import java.util.Optional;

/** The status of an offer operation that asked for feedback (it had an id). */
public record OperationUpdate(Optional<String> operationId, String state, String message, Optional<String> agentId,
                              Optional<String> resourceProviderId, boolean reliable) {
}
