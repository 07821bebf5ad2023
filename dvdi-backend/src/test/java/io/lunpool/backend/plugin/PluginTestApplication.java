package io.lunpool.backend.plugin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/**
 * A Dropwizard application that serves only the plugin, on the fakes of this package: an in-memory control
 * plane, a host connector that hands out fake devices, a filesystem that creates directories and chores that
 * record what they were asked.
 */
public class PluginTestApplication extends Application<PluginTestApplication.Config> {
    public final InMemoryControlPlane controlPlane = new InMemoryControlPlane();
    public final FakeHostConnector connector = new FakeHostConnector();
    public final DirectoryFilesystem filesystem = new DirectoryFilesystem();
    public final RecordingChores chores = new RecordingChores();
    public volatile PluginWiring wiring;

    /** The test configuration: the server plus the {@code backend:} block. */
    public static class Config extends Configuration {
        @Valid
        @NotNull
        private BackendConfiguration backend = new BackendConfiguration();

        @JsonProperty
        public BackendConfiguration getBackend() {
            return backend;
        }

        @JsonProperty
        public void setBackend(BackendConfiguration backend) {
            this.backend = backend;
        }
    }

    @Override
    public void run(Config config, Environment environment) {
        wiring = new PluginWiring(config.getBackend(), controlPlane, connector, filesystem, chores).register(environment);
    }
}
