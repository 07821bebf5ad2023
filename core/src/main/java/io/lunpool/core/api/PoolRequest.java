package io.lunpool.core.api;

import java.util.List;

/**
 * {@code PUT /v1/pools/{pool}}: the policy with a size that may carry units ({@code "lunSize": "1G"});
 * fields left out keep their current value (or the default for a new pool).
 */
public record PoolRequest(String lunSize, Integer minFree, Integer maxFree, String fsType, List<String> mkfsOptions,
                          Integer maxLuns) {
}
