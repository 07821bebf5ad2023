package io.lunpool.core.api;

import java.util.List;
import java.util.Map;

/** {@code POST /v1/hosts/{host}}: register or refresh a host. */
public record HostRequest(List<String> initiators, Map<String, String> labels) {
}
