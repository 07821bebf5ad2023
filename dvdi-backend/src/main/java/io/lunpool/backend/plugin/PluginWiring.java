package io.lunpool.backend.plugin;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.lunpool.backend.chores.ChoreResource;
import io.lunpool.backend.chores.ChoreService;
import io.lunpool.core.spi.ControlPlaneClient;
import io.lunpool.core.spi.HostConnector;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.VolumeFilesystem;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Wires the Docker volume plugin into a Dropwizard environment, explicitly: the mount table (loaded now, so a
 * corrupt file stops the start), the service, the Jersey resource, the chore endpoint (guarded by the service's LUN
 * locks), a {@link Managed} that reconciles the table
 * while the server starts (the unix connector accepts nothing before the server has started, so no plugin call
 * sees an unreconciled table) and a {@code plugin} health check.
 */
public final class PluginWiring {
    private final VolumePluginService service;
    private final Reconciler reconciler;
    private final ExecutorService executor;
    private final AtomicReference<Reconciler.Outcome> lastReconcile = new AtomicReference<>();
    private final ChoreService chores;

    public PluginWiring(BackendConfiguration config, ControlPlaneClient controlPlane, HostConnector connector,
                        VolumeFilesystem filesystem, LunChores chores) {
        MountTable table = MountTable.load(config.mountTableDir());
        this.executor = Executors.newCachedThreadPool(threads());
        this.service = new VolumePluginService(config.toSettings(), controlPlane, connector, filesystem, table,
                executor);
        this.reconciler = new Reconciler(service, controlPlane, connector, filesystem);
        this.chores = new ChoreService(chores, service::onIdleLun);
    }

    public VolumePluginService service() {
        return service;
    }

    public PluginWiring register(Environment environment) {
        environment.jersey().register(new PluginAcceptFilter());
        environment.jersey().register(new PluginResource(service));
        environment.jersey().register(new ChoreResource(chores));
        environment.servlets().addFilter("plugin-socket-only", new PluginSocketOnlyFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.servlets().addFilter("plugin-mount-delivery", new MountDeliveryFilter(service))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        environment.lifecycle().manage(new Managed() {
            @Override
            public void start() {
                lastReconcile.set(reconciler.run());
            }

            @Override
            public void stop() throws InterruptedException {
                executor.shutdown();
                executor.awaitTermination(10, TimeUnit.SECONDS);
                service.flush();
            }
        });
        environment.healthChecks().register("plugin", new HealthCheck() {
            @Override
            protected Result check() {
                return health();
            }
        });
        return this;
    }

    HealthCheck.Result health() {
        Reconciler.Outcome r = lastReconcile.get();
        if (r == null) {
            return HealthCheck.Result.unhealthy("the mount table has not been reconciled yet");
        }
        String summary = service.table().all().size() + " volume(s) in the mount table " + service.table().directory()
                + "; start-up reconcile: " + r.kept() + " kept, " + r.released() + " released, " + r.orphans()
                + " orphan mount(s) removed";
        if (!r.failures().isEmpty()) {
            return HealthCheck.Result.unhealthy(summary + "; failed: " + r.failures());
        }
        return HealthCheck.Result.healthy(summary);
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "plugin-op-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
