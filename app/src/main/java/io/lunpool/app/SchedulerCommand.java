package io.lunpool.app;

import io.dropwizard.core.setup.Environment;
import io.lunpool.backend.host.HostLayer;

/** {@code lunpool scheduler conf/scheduler.yml}: one control-plane instance (HA with others on the same ZooKeeper). */
final class SchedulerCommand extends ModeCommand {
    SchedulerCommand(LunpoolApplication app) {
        super(app, "scheduler", "Runs a control-plane instance: REST API, leader election, batcher, pool maintainer");
    }

    @Override
    void wire(Environment env, LunpoolConfiguration cfg) throws Exception {
        ControlPlaneProcess.wire(env, cfg, HostLayer.local().localChores());
    }
}
