package io.lunpool.scheduler.rest;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.lunpool.scheduler.ControlPlane;
import io.lunpool.scheduler.admin.LeadershipHealthCheck;
import io.lunpool.scheduler.admin.PoolsHealthCheck;
import io.lunpool.scheduler.admin.RunMaintainerTask;
import io.lunpool.scheduler.admin.WipeLunTask;
import io.lunpool.scheduler.admin.ZooKeeperHealthCheck;
import org.apache.curator.framework.CuratorFramework;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/** Registers the control plane's REST resources, error mappers (and Jetty's error answers as JSON), health checks, tasks and lifecycle. */
public final class ControlPlaneWiring {
    private ControlPlaneWiring() {
    }

    public static void register(Environment env, CuratorFramework client, ControlPlane controlPlane) {
        env.jersey().register(new VolumesResource(controlPlane));
        env.jersey().register(new PoolsResource(controlPlane));
        env.jersey().register(new ClusterResource(controlPlane));
        env.jersey().register(new BodyLimitFilter());
        for (Object mapper : ErrorMappers.all()) {
            env.jersey().register(mapper);
        }
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                if (event instanceof Server server) {
                    server.setErrorHandler(new JsonErrorHandler());
                }
            }
        });
        env.healthChecks().register("zookeeper", new ZooKeeperHealthCheck(client));
        env.healthChecks().register("leadership", new LeadershipHealthCheck(controlPlane.leadership()));
        env.healthChecks().register("pools", new PoolsHealthCheck(controlPlane));
        env.admin().addTask(new RunMaintainerTask(controlPlane));
        env.admin().addTask(new WipeLunTask(controlPlane));
        env.lifecycle().manage(new Managed() {
            @Override
            public void start() throws Exception {
                controlPlane.start();
            }

            @Override
            public void stop() {
                controlPlane.close();
            }
        });
    }
}
