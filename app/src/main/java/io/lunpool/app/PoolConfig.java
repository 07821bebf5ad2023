package io.lunpool.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lunpool.core.api.PoolRequest;
import java.util.List;

/** A pool the control plane creates at start when it does not exist yet. */
public class PoolConfig {
    @JsonProperty
    public String lunSize = "1G";
    @JsonProperty
    public int minFree = 2;
    @JsonProperty
    public int maxFree = 8;
    @JsonProperty
    public String fsType = "ext4";
    @JsonProperty
    public List<String> mkfsOptions = List.of();
    @JsonProperty
    public int maxLuns = 0;

    PoolRequest request() {
        return new PoolRequest(lunSize, minFree, maxFree, fsType, mkfsOptions, maxLuns);
    }
}
