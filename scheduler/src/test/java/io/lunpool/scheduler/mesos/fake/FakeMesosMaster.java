package io.lunpool.scheduler.mesos.fake;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.TimeInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * A fake Mesos master speaking the v1 scheduler API over real HTTP on 127.0.0.1: {@code POST /api/v1/scheduler}
 * with the master's status codes, checked in the master's order (credentials 401, not the leader 307 or 503,
 * recovering 503, method 405, Content-Type 400/415, body 400, call validation 400, Accept 406, stream id 400,
 * unknown framework 400, disconnected framework 403, 202 or 200), RecordIO event streams with heartbeats, and
 * {@code /redirect}. Agents are simulated inside it: the test adds them, drives offers and status updates, and
 * switches faults on. Every request is recorded for the test to inspect.
 */
public final class FakeMesosMaster implements AutoCloseable {
    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";

    /** How the fake master runs; {@link #defaults()} is a real master's timing. */
    public record Settings(Duration heartbeatInterval, Duration redeliveryInterval, boolean allocateAutomatically,
                           Optional<Set<String>> roleWhitelist, Map<String, String> credentials) {
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(15), Duration.ofSeconds(10), true, Optional.empty(), Map.of());
        }

        public Settings heartbeat(Duration d) {
            return new Settings(d, redeliveryInterval, allocateAutomatically, roleWhitelist, credentials);
        }

        public Settings redelivery(Duration d) {
            return new Settings(heartbeatInterval, d, allocateAutomatically, roleWhitelist, credentials);
        }

        /** Offers are made only when the test calls {@link FakeMesosMaster#allocate()}. */
        public Settings manualAllocation() {
            return new Settings(heartbeatInterval, redeliveryInterval, false, roleWhitelist, credentials);
        }

        public Settings roles(Set<String> whitelist) {
            return new Settings(heartbeatInterval, redeliveryInterval, allocateAutomatically,
                    Optional.of(Set.copyOf(whitelist)), credentials);
        }

        /** HTTP framework authentication with one principal and its secret. */
        public Settings credentials(String principal, String secret) {
            return new Settings(heartbeatInterval, redeliveryInterval, allocateAutomatically, roleWhitelist,
                    Map.of(principal, secret));
        }
    }

    /** A request as it arrived, with the call when it parsed, and the status it got. */
    public record Received(String method, String path, Map<String, String> headers, Optional<Call> call, byte[] body,
                           int status, String answer) {
        /** A header by its name, case-insensitively. */
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase()));
        }
    }


    private final Settings settings;
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-mesos-master-http");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "fake-mesos-master-timer");
        t.setDaemon(true);
        return t;
    });
    private final FakeMasterFaults faults = new FakeMasterFaults();
    private final FakeMasterCore core;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final List<FakeEventStream> streams = Collections.synchronizedList(new ArrayList<>());
    private final FakeSchedulerEndpoint endpoint;

    private FakeMesosMaster(Settings settings) throws IOException {
        this.settings = settings;
        this.core = new FakeMasterCore(settings, timer, Clock.systemUTC(), faults);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(handlers);
        this.endpoint = new FakeSchedulerEndpoint(settings, core, faults, received, streams, this::hostPort);
        server.createContext("/", endpoint::route);
        server.start();
        core.address("127.0.0.1", server.getAddress().getPort());
        long every = settings.redeliveryInterval().toMillis();
        timer.scheduleAtFixedRate(() -> {
            synchronized (core) {
                core.updates.redeliver();
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    public static FakeMesosMaster start(Settings settings) throws IOException {
        return new FakeMesosMaster(settings);
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("http://" + hostPort());
    }

    public String masterId() {
        return core.masterId;
    }

    public FakeMasterFaults faults() {
        return faults;
    }

    // ---- leadership

    public void lead() {
        endpoint.leadership(new FakeSchedulerEndpoint.Leadership.Leading());
    }

    /** Not the leader: requests are redirected (307) to {@code leader}; the streams this master served end. */
    public void follow(FakeMesosMaster leader) {
        endpoint.leadership(new FakeSchedulerEndpoint.Leadership.Following(leader.hostPort()));
        core.stepDown();
    }

    /** Not the leader and no leader known: 503. */
    public void noLeader() {
        endpoint.leadership(new FakeSchedulerEndpoint.Leadership.NoLeader());
        core.stepDown();
    }

    /** The elected master still recovering its registry: 503. */
    public void recovering(boolean on) {
        endpoint.recovering(on);
    }

    /** The lead moves to {@code other}: this master ends its streams and redirects there. */
    public void flipLeadershipTo(FakeMesosMaster other) {
        other.lead();
        follow(other);
    }

    // ---- what the test drives

    public String addAgent(String hostname, List<Resource> resources) {
        synchronized (core) {
            return core.allocator.addAgent(hostname, resources);
        }
    }

    public void agentRegistration(String agentId, AgentRegistration registration) {
        synchronized (core) {
            FakeAgent a = core.allocator.agents.get(agentId);
            a.registration = registration;
            a.unreachableSince = registration == AgentRegistration.UNREACHABLE
                    ? TimeInfo.newBuilder().setNanoseconds(System.currentTimeMillis() * 1_000_000).build() : null;
        }
    }

    /** One allocation round: offers for every active framework. */
    public void allocate() {
        synchronized (core) {
            core.allocator.allocate();
        }
    }

    public void rescind(String offerId) {
        synchronized (core) {
            core.allocator.rescind(offerId);
        }
    }

    /** The task's executor reports a state: an update with a uuid, delivered until acknowledged. */
    public void taskStatus(String taskId, TaskState state) {
        synchronized (core) {
            core.updates.agentUpdate(taskId, state, Optional.empty(), "from the fake agent");
        }
    }

    public void taskStatus(String taskId, TaskState state, TaskStatus.Reason reason) {
        synchronized (core) {
            core.updates.agentUpdate(taskId, state, Optional.of(reason), "from the fake agent");
        }
    }

    /** Ends every subscription stream cleanly (the client sees EOF), those of forgotten connections too. */
    public void endStreams() {
        core.closeStreams(false);
        synchronized (streams) {
            streams.stream().filter(s -> !s.over()).forEach(FakeEventStream::end);
        }
    }

    /** Drops every subscription's connection without ending the response. */
    public void dropStreams() {
        core.closeStreams(true);
    }

    /** The master deactivates every framework as if its connection broke, but the sockets stay open and silent. */
    public void forgetConnections() {
        core.forgetConnections();
    }

    /** The stream ids this master handed out, oldest first. */
    public List<String> streamIds() {
        synchronized (streams) {
            return streams.stream().map(s -> s.streamId).toList();
        }
    }

    /** An agent reports the status of an operation that asked for feedback, with a uuid. */
    public void operationStatus(String frameworkId, OperationStatus status) {
        core.operationStatus(frameworkId, status);
    }

    /** Writes bytes as they are on every open stream (to break the framing). */
    public void sendRaw(byte[] bytes) {
        synchronized (core) {
            for (FakeFramework f : core.frameworks.values()) {
                if (f.connected && f.stream != null) {
                    f.stream.sendRaw(bytes);
                }
            }
        }
    }

    // ---- what the test inspects

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Received> received(Call.Type type) {
        return received().stream().filter(r -> r.call().map(c -> c.getType() == type).orElse(false)).toList();
    }

    public List<Offer> outstandingOffers() {
        synchronized (core) {
            return core.allocator.offers.values().stream().map(FakeOffer::offer).toList();
        }
    }

    public List<Resource> agentResources(String agentId) {
        synchronized (core) {
            return List.copyOf(core.allocator.agents.get(agentId).total);
        }
    }

    public List<Resource> availableResources(String agentId) {
        synchronized (core) {
            return List.copyOf(core.allocator.available(core.allocator.agents.get(agentId)));
        }
    }

    public List<String> droppedOperations() {
        synchronized (core) {
            return List.copyOf(core.allocator.droppedOperations);
        }
    }

    public List<Call.Acknowledge> ignoredAcknowledgements() {
        synchronized (core) {
            return List.copyOf(core.updates.ignoredAcks);
        }
    }

    public Optional<TaskState> acknowledgedState(String taskId) {
        synchronized (core) {
            return Optional.ofNullable(core.updates.tasks.get(taskId)).map(t -> t.state);
        }
    }

    public boolean taskKnown(String taskId) {
        synchronized (core) {
            return core.updates.known(taskId);
        }
    }

    public int unacknowledgedUpdates(String taskId) {
        synchronized (core) {
            FakeTask t = core.updates.tasks.get(taskId);
            return t == null ? 0 : t.pending.size();
        }
    }

    public Optional<FrameworkInfo> framework(String id) {
        synchronized (core) {
            return Optional.ofNullable(core.frameworks.get(id)).map(f -> f.info);
        }
    }

    public boolean connected(String frameworkId) {
        synchronized (core) {
            FakeFramework f = core.frameworks.get(frameworkId);
            return f != null && f.connected;
        }
    }

    public boolean removed(String frameworkId) {
        synchronized (core) {
            return core.removed.contains(frameworkId);
        }
    }

    public Set<String> suppressedRoles(String frameworkId) {
        synchronized (core) {
            return Set.copyOf(core.frameworks.get(frameworkId).suppressedRoles);
        }
    }

    @Override
    public void close() {
        core.closeStreams(true);
        synchronized (streams) {
            streams.forEach(FakeEventStream::abort);
        }
        server.stop(0);
        timer.shutdownNow();
        handlers.shutdownNow();
    }
}
