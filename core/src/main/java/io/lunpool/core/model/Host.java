package io.lunpool.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A host that attaches volumes: its FC initiators (WWPNs), labels and, when it runs one, its Mesos agent's id. */
public record Host(String name, List<String> initiators, Map<String, String> labels, Instant lastSeen,
                   @JsonInclude(JsonInclude.Include.NON_NULL) String agentId) {
    public Host {
        initiators = initiators == null ? List.of() : List.copyOf(initiators);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public Host(String name, List<String> initiators, Map<String, String> labels, Instant lastSeen) {
        this(name, initiators, labels, lastSeen, null);
    }
}
