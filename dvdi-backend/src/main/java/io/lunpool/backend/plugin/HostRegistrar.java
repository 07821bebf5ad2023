package io.lunpool.backend.plugin;

import io.dropwizard.lifecycle.Managed;
import io.lunpool.core.api.HostRequest;
import io.lunpool.core.spi.HostRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers this host with the control plane when the backend starts ({@code POST /v1/hosts/{host}} with its
 * initiators, labels and Mesos agent id), in the background and again after each failure, waiting 1 s at first and
 * twice as long each time up to 30 s, until the control plane takes it: the backend serves its socket meanwhile,
 * because the control plane may be down or without a leader for a while.
 */
public final class HostRegistrar implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(HostRegistrar.class);
    private final String host;
    private final HostRequest request;
    private final HostRegistry registry;
    private final Duration firstWait;
    private final Duration maxWait;
    private final CountDownLatch registered = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile int attempts;

    public HostRegistrar(String host, HostRequest request, HostRegistry registry) {
        this(host, request, registry, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    HostRegistrar(String host, HostRequest request, HostRegistry registry, Duration firstWait, Duration maxWait) {
        this.host = host;
        this.request = request;
        this.registry = registry;
        this.firstWait = firstWait;
        this.maxWait = maxWait;
    }

    @Override
    public void start() {
        Thread t = new Thread(this::run, "host-registration");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() throws InterruptedException {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    /** True once the control plane has taken the registration. */
    public boolean registered() {
        return registered.getCount() == 0;
    }

    int attempts() {
        return attempts;
    }

    private void run() {
        Duration wait = firstWait;
        while (!Thread.currentThread().isInterrupted()) {
            attempts++;
            try {
                registry.register(host, request);
                registered.countDown();
                LOG.info("registered host {} with the control plane: initiators {}, labels {}, Mesos agent {}", host,
                        request.initiators(), request.labels(), request.agentId() == null ? "none" : request.agentId());
                return;
            } catch (RuntimeException e) {
                LOG.warn("registering host {} with the control plane failed (attempt {}; again in {} ms): {}", host,
                        attempts, wait.toMillis(), e.toString());
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            wait = wait.multipliedBy(2).compareTo(maxWait) > 0 ? maxWait : wait.multipliedBy(2);
        }
    }
}
