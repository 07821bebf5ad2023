package io.lunpool.dist;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;

/** The one configuration of every subcommand; each reads the sections it needs (see conf/*.yml). */
public class LunpoolConfiguration extends Configuration {
    @JsonProperty
    public ZooKeeperConfig zookeeper = new ZooKeeperConfig();
    @JsonProperty
    public ControlPlaneConfig controlPlane = new ControlPlaneConfig();
}
