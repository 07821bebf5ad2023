package io.lunpool.core.spi;

import io.lunpool.core.api.HostRequest;

/**
 * Where a backend registers its host at start: the control plane ({@code POST /v1/hosts/{host}}, or in-process in
 * local mode). Registering again replaces what was registered; failures are {@link io.lunpool.core.LunpoolException}s.
 */
@FunctionalInterface
public interface HostRegistry {
    void register(String host, HostRequest request);
}
