package io.lunpool.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.lunpool.scheduler.ControlPlaneSettings;
import io.lunpool.scheduler.batch.BatcherSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code controlPlane:} — the REST API's own URL (followers redirect writes to it; it is also the instance's
 * id in the election), its state directory and the tunables.
 */
public class ControlPlaneConfig {
    @JsonProperty
    public String advertiseUrl = "http://127.0.0.1:7480";
    @JsonProperty
    public String defaultPool = "default";
    @JsonProperty
    public int maxBatch = 200;
    @JsonProperty
    public Duration maxWait = Duration.milliseconds(0);
    @JsonProperty
    public int maxBatchBytes = 256 * 1024;
    @JsonProperty
    public Duration requestTimeout = Duration.seconds(60);
    @JsonProperty
    public Duration maintainerInterval = Duration.seconds(5);
    @JsonProperty
    public int parallelChores = 2;
    /**
     * This instance's own directory: it holds {@code instance.lock}, whose lock proves no other live process runs
     * as this instance, so after a restart it deletes its dead predecessor's election node and leads at once.
     */
    @JsonProperty
    public String stateDir = "/var/lib/lunpool/control-plane";
    /** The array LUNs are carved from; {@code loop} is the only driver so far. */
    @JsonProperty
    public String arrayDirectory = "/var/lib/lunpool/array";
    @JsonProperty
    public Map<String, PoolConfig> pools = new LinkedHashMap<>();

    ControlPlaneSettings settings() {
        return new ControlPlaneSettings(defaultPool,
                new BatcherSettings(maxBatch, java.time.Duration.ofNanos(maxWait.toNanoseconds()), maxBatchBytes),
                java.time.Duration.ofMillis(requestTimeout.toMilliseconds()),
                java.time.Duration.ofMillis(maintainerInterval.toMilliseconds()), parallelChores,
                ControlPlaneSettings.NEW_POOL);
    }
}
