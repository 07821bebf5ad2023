package io.lunpool.backend.jetty;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.metrics.jetty12.InstrumentedConnectionFactory;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * {@code type: unix}: an HTTP/1.1 connector on a unix domain socket, for the Docker volume plugin protocol.
 * Every HTTP setting of the {@code http} connector (buffers, idle timeout, header sizes) applies; the TCP
 * ones (port, bindHost) are ignored.
 *
 * <pre>
 * server:
 *   applicationConnectors:
 *     - type: unix
 *       path: /run/docker/plugins/fc.sock   # parent directory is created
 *       mode: "0660"                          # octal, set on the socket file after binding
 *       deleteStaleSocket: true               # remove a socket file left by a killed process
 * </pre>
 */
@JsonTypeName("unix")
public class UnixSocketConnectorFactory extends HttpConnectorFactory {
    private Path path = Path.of("/run/docker/plugins/fc.sock");
    private String mode = "0660";
    private boolean deleteStaleSocket = true;

    @JsonProperty
    @NotNull
    public Path getPath() {
        return path;
    }

    @JsonProperty
    public void setPath(Path path) {
        this.path = path;
    }

    @JsonProperty
    @NotNull
    @Pattern(regexp = "0?[0-7]{3}", message = "must be an octal file mode such as 0660")
    public String getMode() {
        return mode;
    }

    @JsonProperty
    public void setMode(String mode) {
        this.mode = mode;
    }

    @JsonProperty
    public boolean isDeleteStaleSocket() {
        return deleteStaleSocket;
    }

    @JsonProperty
    public void setDeleteStaleSocket(boolean deleteStaleSocket) {
        this.deleteStaleSocket = deleteStaleSocket;
    }

    @Override
    public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
        HttpConnectionFactory http = buildHttpConnectionFactory(buildHttpConfiguration());
        GatedUnixDomainServerConnector connector = new GatedUnixDomainServerConnector(server, threadPool,
                new ScheduledExecutorScheduler(), buildBufferPool(), getAcceptorThreads().orElse(1),
                getSelectorThreads().orElse(-1), path, permissions(mode), deleteStaleSocket,
                new InstrumentedConnectionFactory(http, metrics.timer(httpConnections())));
        if (getAcceptQueueSize() != null) {
            connector.setAcceptQueueSize(getAcceptQueueSize());
        }
        connector.setIdleTimeout(getIdleTimeout().toMilliseconds());
        connector.setName(name);
        return connector;
    }

    /** Plain HTTP/1.1, except that Docker's empty {@code Host:} is accepted (see {@link BlankHostHttpConnectionFactory}). */
    @Override
    protected HttpConnectionFactory buildHttpConnectionFactory(HttpConfiguration httpConfig) {
        BlankHostHttpConnectionFactory factory = new BlankHostHttpConnectionFactory(httpConfig);
        factory.setInputBufferSize((int) getInputBufferSize().toBytes());
        return factory;
    }

    @Override
    protected String httpConnections() {
        return MetricRegistry.name(HttpConnectionFactory.class, "unix", path.toString(), "connections");
    }

    /** {@code "0660"} → rw-rw----. */
    static Set<PosixFilePermission> permissions(String octal) {
        int bits = Integer.parseInt(octal, 8);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }
}
