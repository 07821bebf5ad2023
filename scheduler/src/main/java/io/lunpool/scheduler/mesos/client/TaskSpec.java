package io.lunpool.scheduler.mesos.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A task to launch: exactly one of a custom executor and a shell command. {@code data} reaches the executor as
 * the task's data (UTF-8).
 */
public record TaskSpec(String taskId, String name, List<MesosResource> resources, Optional<ExecutorSpec> executor,
                       Optional<String> shellCommand, Optional<String> data, Map<String, String> labels) {
    public TaskSpec {
        resources = List.copyOf(resources);
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        if (executor.isPresent() == shellCommand.isPresent()) {
            throw new IllegalArgumentException("task " + taskId + " needs exactly one of an executor and a command");
        }
    }
}
