package io.lunpool.app;

import io.dropwizard.core.setup.Environment;
import io.lunpool.backend.host.HostFilesystem;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.backend.plugin.HostRegistrar;
import io.lunpool.backend.plugin.PluginWiring;
import io.lunpool.backend.plugin.RestControlPlaneClient;
import io.lunpool.core.api.LunpoolClient;
import java.net.URI;

/**
 * {@code lunpool backend conf/backend.yml}: the Docker volume plugin and the chore endpoint of one host, against a
 * remote control plane, with which it registers the host at start.
 */
final class BackendCommand extends ModeCommand {
    BackendCommand(LunpoolApplication app) {
        super(app, "backend", "Runs the Docker volume plugin of this host against the control plane's REST API");
    }

    @Override
    void wire(Environment env, LunpoolConfiguration cfg) {
        HostLayer host = HostLayer.local();
        LunpoolClient client = new LunpoolClient(URI.create(cfg.controlPlaneUrl));
        new PluginWiring(cfg.backend, new RestControlPlaneClient(client), host.loopConnector(),
                new HostFilesystem(host.mounter()), host.localChores()).register(env);
        env.lifecycle().manage(new HostRegistrar(cfg.backend.getHost(), cfg.backend.hostRequest(), client::registerHost));
    }
}
