package io.lunpool.scheduler.mesos.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A custom executor. The master refuses a second ExecutorInfo for a running executor id unless it is identical,
 * so the environment is kept sorted and the same spec always encodes to the same bytes.
 */
public record ExecutorSpec(String executorId, String name, String shellCommand, List<String> uris,
                           Map<String, String> environment, List<MesosResource> resources) {
    public ExecutorSpec {
        uris = List.copyOf(uris);
        environment = Collections.unmodifiableMap(new TreeMap<>(environment));
        resources = List.copyOf(resources);
    }
}
