package io.lunpool.backend.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.lunpool.core.api.HostRequest;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code backend:} block of the backend and local configurations (the plugin socket itself is a
 * {@code type: unix} application connector).
 *
 * <pre>
 * backend:
 *   host: agent-3                       # this host's id at the control plane (default: the hostname)
 *   initiators: [21:00:00:24:ff:4c:aa:01] # FC initiator WWPNs it attaches with (loop array: none)
 *   agentId: 8c0e…-S3                   # the Mesos agent on this host, registered with the host (default: none)
 *   labels: {rack: r7}                  # registered with the host
 *   mountRoot: /var/lib/lunpool/mounts  # volumes are mounted at mountRoot/name
 *   stateDir: /var/lib/lunpool/backend  # the mount table (mounts/<volume>.json) and known-volumes.json
 *   defaultPool: gold                   # pool for volumes created without --opt pool (default: the control plane's)
 *   createMountTimeout: 90s             # Create and Mount give up after this (Docker waits 120 s)
 *   operationTimeout: 45s               # every other call (Docker waits 60 s)
 * </pre>
 */
public class BackendConfiguration {
    @NotEmpty
    private String host = localHostName();
    @NotNull
    private List<String> initiators = new ArrayList<>();
    private String agentId;
    @NotNull
    private Map<String, String> labels = new LinkedHashMap<>();
    @NotNull
    private Path mountRoot = Path.of("/var/lib/lunpool/mounts");
    @NotNull
    private Path stateDir = Path.of("/var/lib/lunpool/backend");
    private String defaultPool;
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 115, unit = TimeUnit.SECONDS)
    private Duration createMountTimeout = Duration.seconds(90);
    @NotNull
    @MinDuration(value = 1, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 55, unit = TimeUnit.SECONDS)
    private Duration operationTimeout = Duration.seconds(45);

    @JsonProperty
    public String getHost() {
        return host;
    }

    @JsonProperty
    public void setHost(String host) {
        this.host = host;
    }

    @JsonProperty
    public List<String> getInitiators() {
        return initiators;
    }

    @JsonProperty
    public void setInitiators(List<String> initiators) {
        this.initiators = initiators;
    }

    @JsonProperty
    public String getAgentId() {
        return agentId;
    }

    @JsonProperty
    public void setAgentId(String agentId) {
        this.agentId = agentId;
    }

    @JsonProperty
    public Map<String, String> getLabels() {
        return labels;
    }

    @JsonProperty
    public void setLabels(Map<String, String> labels) {
        this.labels = labels;
    }

    @JsonProperty
    public Path getMountRoot() {
        return mountRoot;
    }

    @JsonProperty
    public void setMountRoot(Path mountRoot) {
        this.mountRoot = mountRoot;
    }

    @JsonProperty
    public Path getStateDir() {
        return stateDir;
    }

    @JsonProperty
    public void setStateDir(Path stateDir) {
        this.stateDir = stateDir;
    }

    @JsonProperty
    public String getDefaultPool() {
        return defaultPool;
    }

    @JsonProperty
    public void setDefaultPool(String defaultPool) {
        this.defaultPool = defaultPool;
    }

    @JsonProperty
    public Duration getCreateMountTimeout() {
        return createMountTimeout;
    }

    @JsonProperty
    public void setCreateMountTimeout(Duration createMountTimeout) {
        this.createMountTimeout = createMountTimeout;
    }

    @JsonProperty
    public Duration getOperationTimeout() {
        return operationTimeout;
    }

    @JsonProperty
    public void setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    /** The mount table file. */
    public Path mountTableDir() {
        return stateDir.resolve("mounts");
    }

    /** What the backend registers its host with at start. */
    public HostRequest hostRequest() {
        return new HostRequest(initiators, labels, agentId == null || agentId.isBlank() ? null : agentId);
    }

    public PluginSettings toSettings() {
        return new PluginSettings(host, initiators, mountRoot, defaultPool,
                java.time.Duration.ofNanos(createMountTimeout.toNanoseconds()),
                java.time.Duration.ofNanos(operationTimeout.toNanoseconds()));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
