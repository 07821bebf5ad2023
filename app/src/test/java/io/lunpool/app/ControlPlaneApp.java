package io.lunpool.app;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.lunpool.backend.plugin.Await;
import io.lunpool.core.api.LunpoolClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The real application, run in-process with the {@code scheduler} command on a given ZooKeeper: ports are
 * picked up front so {@code controlPlane.advertiseUrl} is this instance's real URL. The ZooKeeper connect
 * string and the array directory are read when it starts; its state directory sits beside the array directory. {@link ControlPlaneAppExtension} starts and stops it.
 */
final class ControlPlaneApp implements AutoCloseable {
    static final String CONFIG = ResourceHelpers.resourceFilePath("control-plane-test.yml");

    final String url;
    final String adminUrl;
    private final Supplier<Path> arrayDirectory;
    private final DropwizardTestSupport<LunpoolConfiguration> support;

    ControlPlaneApp(Supplier<String> connect, String zkRoot, Supplier<Path> arrayDirectory) {
        int port = FreePorts.next();
        int adminPort = FreePorts.next();
        this.url = "http://127.0.0.1:" + port;
        this.adminUrl = "http://127.0.0.1:" + adminPort;
        this.arrayDirectory = arrayDirectory;
        this.support = new DropwizardTestSupport<>(LunpoolApplication.class, CONFIG, (String) null,
                app -> new SchedulerCommand((LunpoolApplication) app),
                ConfigOverride.config("server.applicationConnectors[0].port", Integer.toString(port)),
                ConfigOverride.config("server.adminConnectors[0].port", Integer.toString(adminPort)),
                ConfigOverride.config("controlPlane.advertiseUrl", url),
                ConfigOverride.config("controlPlane.arrayDirectory", () -> arrayDirectory.get().toString()),
                ConfigOverride.config("controlPlane.stateDir", () -> arrayDirectory.get().resolveSibling(
                        arrayDirectory.get().getFileName() + "-state").toString()),
                ConfigOverride.config("zookeeper.connect", connect),
                ConfigOverride.config("zookeeper.root", zkRoot));
    }

    /** Starts the instance; it may lead or follow, depending on who else runs on its ZooKeeper root. */
    void start() throws Exception {
        support.before();
    }

    void awaitLeading() throws InterruptedException {
        Await.until(url + " leads", Duration.ofSeconds(20), () -> client().leader().isLeader());
    }

    Path arrayDirectory() {
        return arrayDirectory.get();
    }

    LunpoolClient client() {
        return new LunpoolClient(URI.create(url), Duration.ofSeconds(60));
    }

    Http http() {
        return new Http(url);
    }

    Http admin() {
        return new Http(adminUrl);
    }


    @Override
    public void close() {
        support.after();
    }
}
