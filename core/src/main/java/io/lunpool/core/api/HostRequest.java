package io.lunpool.core.api;

import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/hosts/{host}}: register or refresh a host: its FC initiators, labels, and the id of the Mesos agent
 * that runs on it ({@code null} when it runs none).
 */
public record HostRequest(List<String> initiators, Map<String, String> labels, String agentId) {
    public HostRequest(List<String> initiators, Map<String, String> labels) {
        this(initiators, labels, null);
    }
}
