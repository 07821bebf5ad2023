package io.lunpool.app;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;

/** {@code zookeeper:} — where state lives. An empty {@code connect} starts an embedded server. */
public class ZooKeeperConfig {
    @JsonProperty
    public String connect = "";
    @JsonProperty
    public String root = "/lunpool";
    @JsonProperty
    public Duration sessionTimeout = Duration.seconds(10);
    @JsonProperty
    public String embeddedDataDir = "/var/lib/lunpool/zk";
    @JsonProperty
    public String embeddedHost = "127.0.0.1";
    @JsonProperty
    public int embeddedPort = 2281;
}
