package io.lunpool.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;

/** The one configuration of every subcommand; each reads the sections it needs (see conf/*.yml). */
public class LunpoolConfiguration extends Configuration {
    @JsonProperty
    public ZooKeeperConfig zookeeper = new ZooKeeperConfig();
    @JsonProperty
    public ControlPlaneConfig controlPlane = new ControlPlaneConfig();
    @JsonProperty
    @jakarta.validation.Valid
    public io.lunpool.backend.plugin.BackendConfiguration backend = new io.lunpool.backend.plugin.BackendConfiguration();
    /** The control plane the {@code backend} command talks to. */
    @JsonProperty
    public String controlPlaneUrl = "http://127.0.0.1:7480";
}
