package io.lunpool.app;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.lunpool.core.api.LunpoolClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The real application, started in-process with the {@code scheduler} command on a given ZooKeeper:
 * ports are picked up front so {@code controlPlane.advertiseUrl} is this instance's real URL.
 */
final class ControlPlaneApp implements AutoCloseable {
    static final String CONFIG = ResourceHelpers.resourceFilePath("control-plane-test.yml");

    final String url;
    final String adminUrl;
    final Path arrayDirectory;
    private final DropwizardTestSupport<LunpoolConfiguration> support;

    private ControlPlaneApp(String connect, String zkRoot, Path arrayDirectory) {
        int port = freePort();
        int adminPort = freePort();
        this.url = "http://127.0.0.1:" + port;
        this.adminUrl = "http://127.0.0.1:" + adminPort;
        this.arrayDirectory = arrayDirectory;
        this.support = new DropwizardTestSupport<>(LunpoolApplication.class, CONFIG, (String) null,
                app -> new SchedulerCommand((LunpoolApplication) app),
                ConfigOverride.config("server.applicationConnectors[0].port", Integer.toString(port)),
                ConfigOverride.config("server.adminConnectors[0].port", Integer.toString(adminPort)),
                ConfigOverride.config("controlPlane.advertiseUrl", url),
                ConfigOverride.config("controlPlane.arrayDirectory", arrayDirectory.toString()),
                ConfigOverride.config("zookeeper.connect", connect),
                ConfigOverride.config("zookeeper.root", zkRoot));
    }

    /** Starts an instance; it may lead or follow, depending on who else runs on {@code zkRoot}. */
    static ControlPlaneApp start(String connect, String zkRoot, Path arrayDirectory) throws Exception {
        ControlPlaneApp app = new ControlPlaneApp(connect, zkRoot, arrayDirectory);
        app.support.before();
        return app;
    }

    /** Starts an instance and waits until it leads. */
    static ControlPlaneApp startLeader(String connect, String zkRoot, Path arrayDirectory) throws Exception {
        ControlPlaneApp app = start(connect, zkRoot, arrayDirectory);
        Await.until(Duration.ofSeconds(20), () -> app.client().leader().isLeader(), app.url + " leads");
        return app;
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

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        support.after();
    }
}
