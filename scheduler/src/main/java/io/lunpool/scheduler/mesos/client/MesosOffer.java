package io.lunpool.scheduler.mesos.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An offer: resources of one agent, allocated to one role. Attributes are rendered as text ({@code 4.0},
 * {@code [31000-32000]}, {@code {a,b}} for scalars, ranges and sets).
 */
public record MesosOffer(String id, String agentId, String hostname, Optional<String> allocationRole,
                         List<MesosResource> resources, Map<String, String> attributes) {
    public MesosOffer {
        resources = List.copyOf(resources);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
