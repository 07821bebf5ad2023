package io.lunpool.backend.jetty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unix-socket connector that binds early but accepts nothing until its {@link Server} has started.
 *
 * <p>Dropwizard's {@code SetUIDListener} starts every non-network connector while the Server is still
 * starting, before Jersey and the managed objects (our mount-table reconcile) are up; a request answered then
 * gets a 404. Docker sends {@code Plugin.Activate} the moment the socket file appears, so {@link #accept(int)}
 * waits for the Server's {@code lifeCycleStarted}: early clients sit in the listen backlog and are answered
 * once everything is ready. Needs at least one acceptor thread (with none Jetty accepts through the selector and
 * never calls {@code accept(int)}).
 *
 * <p>Before binding it creates the parent directory and, when asked, deletes a stale socket file left by a
 * killed process; after binding it sets the socket file's mode.
 */
public class GatedUnixDomainServerConnector extends UnixDomainServerConnector {
    private static final Logger LOG = LoggerFactory.getLogger(GatedUnixDomainServerConnector.class);
    private final CountDownLatch serverStarted = new CountDownLatch(1);
    private final Set<PosixFilePermission> mode;
    private final boolean deleteStaleSocket;

    public GatedUnixDomainServerConnector(Server server, Executor executor, Scheduler scheduler, ByteBufferPool pool,
                                          int acceptors, int selectors, Path path, Set<PosixFilePermission> mode,
                                          boolean deleteStaleSocket, ConnectionFactory... factories) {
        super(server, executor, scheduler, pool, Math.max(1, acceptors), selectors, factories);
        this.mode = Set.copyOf(mode);
        this.deleteStaleSocket = deleteStaleSocket;
        setUnixDomainPath(path);
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                serverStarted.countDown();
            }
        });
    }

    /** True once the Server has started and requests are being accepted. */
    public boolean isOpenForRequests() {
        return serverStarted.getCount() == 0;
    }

    @Override
    protected void doStart() throws Exception {
        Path path = getUnixDomainPath();
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (deleteStaleSocket && Files.deleteIfExists(path)) {
            LOG.info("deleted stale socket file {} before binding", path);
        }
        super.doStart();
        Files.setPosixFilePermissions(path, mode);
    }

    @Override
    protected void accept(int acceptorID) throws IOException {
        try {
            while (!serverStarted.await(100, TimeUnit.MILLISECONDS)) {
                if (!isRunning()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        super.accept(acceptorID);
    }
}
