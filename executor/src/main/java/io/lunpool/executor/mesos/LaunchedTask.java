package io.lunpool.executor.mesos;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A task the agent launched on this executor, without its protobufs: its id and name, its data (empty when it
 * has none), its labels, and the grace period of its kill policy when it has one.
 */
public record LaunchedTask(String taskId, String name, byte[] data, Map<String, String> labels,
                           Optional<Duration> killGracePeriod) {
    public LaunchedTask {
        labels = Map.copyOf(labels);
    }
}
