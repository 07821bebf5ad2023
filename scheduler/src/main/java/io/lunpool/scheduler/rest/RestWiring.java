package io.lunpool.scheduler.rest;

import io.dropwizard.core.setup.Environment;
import io.lunpool.scheduler.ControlPlane;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * Registers the control plane's REST API: its resources, the body limit, the error mappers, and Jetty's own
 * error answers as JSON.
 */
public final class RestWiring {
    private RestWiring() {
    }

    public static void register(Environment env, ControlPlane controlPlane) {
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
    }
}
