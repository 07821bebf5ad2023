package io.lunpool.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A host that attaches volumes: its FC initiators (WWPNs) and labels. */
public record Host(String name, List<String> initiators, Map<String, String> labels, Instant lastSeen) {
    public Host {
        initiators = initiators == null ? List.of() : List.copyOf(initiators);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
