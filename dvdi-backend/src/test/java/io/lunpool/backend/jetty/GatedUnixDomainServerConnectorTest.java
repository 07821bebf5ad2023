package io.lunpool.backend.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.backend.plugin.PluginSocketClient;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector opens its socket while the server is still starting (as Dropwizard's SetUIDListener does for
 * non-network connectors) but answers nothing before the server has started.
 */
@Timeout(30)
class GatedUnixDomainServerConnectorTest {
    @TempDir
    Path dir;

    @Test
    void noRequestIsAnsweredBeforeTheServerHasStarted() throws Exception {
        Path socket = dir.resolve("sub/dir/fc.sock");
        Server server = new Server(new QueuedThreadPool());
        GatedUnixDomainServerConnector connector = new GatedUnixDomainServerConnector(server, null,
                new ScheduledExecutorScheduler(), null, 0, 1, socket,
                UnixSocketConnectorFactory.permissions("0660"), true,
                new BlankHostHttpConnectionFactory(new HttpConfiguration()));
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Content.Sink.write(response, true, "started", callback);
                return true;
            }
        });
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                try {
                    connector.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        CountDownLatch release = new CountDownLatch(1);
        server.addBean(new AbstractLifeCycle() {
            @Override
            protected void doStart() throws Exception {
                release.await(20, TimeUnit.SECONDS);
            }
        });
        CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            while (!Files.exists(socket)) {
                Thread.onSpinWait();
            }
            assertThat(connector.isOpenForRequests()).isFalse();
            try (PluginSocketClient early = PluginSocketClient.connect(socket, Duration.ofMillis(300))) {
                early.send("/Plugin.Activate", null);
                assertThatThrownBy(early::read).isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("no answer within");
            }
            try (PluginSocketClient waiting = PluginSocketClient.connect(socket, Duration.ofSeconds(10))) {
                waiting.send("/Plugin.Activate", null);
                release.countDown();
                starting.get(10, TimeUnit.SECONDS);
                PluginSocketClient.Reply reply = waiting.read();
                assertThat(reply.status()).isEqualTo(200);
                assertThat(reply.body()).isEqualTo("started");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-rw----");
        } finally {
            release.countDown();
            server.stop();
        }
        assertThat(socket).doesNotExist();
    }

    @Test
    void modesAreOctal() {
        assertThat(PosixFilePermissions.toString(UnixSocketConnectorFactory.permissions("0660"))).isEqualTo("rw-rw----");
        assertThat(PosixFilePermissions.toString(UnixSocketConnectorFactory.permissions("600"))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(UnixSocketConnectorFactory.permissions("0755"))).isEqualTo("rwxr-xr-x");
    }
}
