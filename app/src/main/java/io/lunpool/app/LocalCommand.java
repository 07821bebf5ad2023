package io.lunpool.app;

import io.dropwizard.core.setup.Environment;
import io.lunpool.backend.host.HostFilesystem;
import io.lunpool.backend.host.HostLayer;
import io.lunpool.backend.plugin.HostRegistrar;
import io.lunpool.backend.plugin.PluginWiring;
import io.lunpool.scheduler.ControlPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lunpool local [conf/local.yml]}: embedded ZooKeeper, the control plane (leader), the loop array
 * and the Docker volume plugin in one process, so {@code docker run -v name:/data} works on one machine.
 */
final class LocalCommand extends ModeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(LocalCommand.class);

    LocalCommand(LunpoolApplication app) {
        super(app, "local", "Runs everything on this machine: embedded ZooKeeper, control plane, loop array, Docker plugin");
    }

    @Override
    void wire(Environment env, LunpoolConfiguration cfg) throws Exception {
        HostLayer host = HostLayer.local();
        ControlPlane controlPlane = ControlPlaneProcess.wire(env, cfg, host.localChores(), () ->
                LOG.info("lunpool local is ready: plugin socket {}, REST API {}, ZooKeeper {}",
                        PluginSockets.describe(cfg), cfg.controlPlane.advertiseUrl,
                        cfg.zookeeper.connect.isBlank() ? "embedded at " + cfg.zookeeper.embeddedHost + ":"
                                + cfg.zookeeper.embeddedPort : cfg.zookeeper.connect));
        new PluginWiring(cfg.backend, new InProcessControlPlaneClient(controlPlane), host.loopConnector(),
                new HostFilesystem(host.mounter()), host.localChores()).register(env);
        env.lifecycle().manage(new HostRegistrar(cfg.backend.getHost(), cfg.backend.hostRequest(),
                controlPlane::registerHost));
    }
}
