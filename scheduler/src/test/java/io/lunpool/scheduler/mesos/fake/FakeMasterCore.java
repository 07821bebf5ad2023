package io.lunpool.scheduler.mesos.fake;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * The fake master's state and rules, behind one lock (like the master's single actor): frameworks, their
 * subscriptions, heartbeats and failover timers, and the dispatch of calls to the allocator and the task
 * updates. Every method runs under the lock; the HTTP layer has already checked leadership, media types and the
 * call's own validity.
 */
final class FakeMasterCore {
    /** The answer to a call other than SUBSCRIBE. */
    record Answer(int status, String body) {
        static final Answer ACCEPTED = new Answer(202, "");
    }

    final String masterId = UUID.randomUUID().toString();
    final FakeMesosMaster.Settings settings;
    final ScheduledExecutorService timer;
    final Clock clock;
    final FakeMasterFaults faults;
    final Map<String, FakeFramework> frameworks = new LinkedHashMap<>();
    final Set<String> removed = new HashSet<>();
    final FakeAllocator allocator;
    final FakeTaskUpdates updates;
    private int nextFramework;
    private String hostname = "127.0.0.1";
    private int port;

    FakeMasterCore(FakeMesosMaster.Settings settings, ScheduledExecutorService timer, Clock clock,
                   FakeMasterFaults faults) {
        this.settings = settings;
        this.timer = timer;
        this.clock = clock;
        this.faults = faults;
        this.allocator = new FakeAllocator(this);
        this.updates = new FakeTaskUpdates(this);
    }

    synchronized void address(String host, int p) {
        hostname = host;
        port = p;
    }

    MasterInfo masterInfo() {
        return MasterInfo.newBuilder().setId(masterId).setIp(0x0100007f).setPort(port)
                .setPid("master@" + hostname + ":" + port).setHostname(hostname).setVersion("1.11.0")
                .setAddress(Address.newBuilder().setHostname(hostname).setIp("127.0.0.1").setPort(port)).build();
    }

    /**
     * SUBSCRIBE with a valid call: the stream answers 200 already. An invalid subscription gets one ERROR and the
     * stream ends; a known framework fails over (ERROR "Framework failed over" on its old stream); then
     * SUBSCRIBED, a HEARTBEAT at once and one every interval.
     */
    synchronized void subscribe(Call.Subscribe subscribe, Optional<String> principal, FakeEventStream stream) {
        FrameworkInfo.Builder info = subscribe.getFrameworkInfo().toBuilder();
        if (principal.isPresent() && !info.hasPrincipal()) {
            info.setPrincipal(principal.get());
        }
        Optional<String> invalid = SubscriptionRules.invalid(info.build(), subscribe.getSuppressedRolesList(),
                settings.roleWhitelist(), removed);
        if (invalid.isPresent()) {
            stream.send(error(invalid.get()));
            stream.end();
            return;
        }
        FakeFramework f;
        if (!info.hasId() || info.getId().getValue().isEmpty()) {
            String id = masterId + "-" + String.format("%04d", nextFramework++);
            info.setId(FrameworkID.newBuilder().setValue(id));
            f = new FakeFramework(id, info.build());
            frameworks.put(id, f);
        } else {
            f = frameworks.get(info.getId().getValue());
            if (f == null) {
                f = new FakeFramework(info.getId().getValue(), info.build());
                frameworks.put(f.id, f);
            } else {
                if (!f.info.getPrincipal().equals(info.getPrincipal())) {
                    stream.send(error("Changing framework's principal is not allowed."));
                    stream.end();
                    return;
                }
                failOver(f);
                f.info = info.build();
            }
        }
        if (f.failoverTimer != null) {
            f.failoverTimer.cancel(false);
            f.failoverTimer = null;
        }
        f.stream = stream;
        f.connected = true;
        f.suppressedRoles.clear();
        f.suppressedRoles.addAll(subscribe.getSuppressedRolesList());
        Event subscribed = Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                .setHeartbeatIntervalSeconds(settings.heartbeatInterval().toMillis() / 1000.0)
                .setMasterInfo(masterInfo())).build();
        if (!stream.send(List.of(subscribed, heartbeat()))) {
            disconnected(f, stream);
            return;
        }
        FakeFramework framework = f;
        long every = settings.heartbeatInterval().toMillis();
        f.heartbeats = timer.scheduleAtFixedRate(() -> heartbeatTick(framework, stream), every, every,
                TimeUnit.MILLISECONDS);
        updates.resend(f);
        if (settings.allocateAutomatically()) {
            allocator.allocate();
        }
    }

    /** A call from a subscribed client, with its stream id header (already checked to be present). */
    synchronized Answer call(Call call, Optional<String> principal, Optional<String> streamId) {
        FakeFramework f = frameworks.get(call.getFrameworkId().getValue());
        if (f == null) {
            return new Answer(400, "Framework cannot be found");
        }
        if (principal.isPresent() && !principal.get().equals(f.info.getPrincipal())) {
            return new Answer(400, "Authenticated principal '" + principal.get() + "' does not match principal '"
                    + f.info.getPrincipal() + "' set in `FrameworkInfo`");
        }
        if (!f.connected) {
            return new Answer(403, "Framework is not subscribed");
        }
        if (streamId.isEmpty()) {
            return new Answer(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.get().equals(f.stream.streamId)) {
            return new Answer(400, "The stream ID '" + streamId.get() + "' included in this request didn't match the"
                    + " stream ID currently associated with framework ID " + f.id);
        }
        switch (call.getType()) {
            case TEARDOWN -> remove(f);
            case ACCEPT -> allocator.accept(f, call.getAccept());
            case DECLINE -> allocator.decline(f, call.getDecline());
            case REVIVE -> allocator.revive(f, call.getRevive().getRolesList());
            case SUPPRESS -> allocator.suppress(f, call.getSuppress().getRolesList());
            case KILL -> updates.kill(f, call.getKill());
            case ACKNOWLEDGE -> updates.acknowledge(f, call.getAcknowledge());
            case RECONCILE -> updates.reconcile(f, call.getReconcile());
            case UPDATE_FRAMEWORK -> {
                return updateFramework(f, call.getUpdateFramework());
            }
            case UNKNOWN -> {
                return new Answer(501, "");
            }
            default -> {
                // ACCEPT_INVERSE_OFFERS, DECLINE_INVERSE_OFFERS, SHUTDOWN, MESSAGE, REQUEST,
                // ACKNOWLEDGE_OPERATION_STATUS, RECONCILE_OPERATIONS: accepted, nothing to model
            }
        }
        return Answer.ACCEPTED;
    }

    private Answer updateFramework(FakeFramework f, Call.UpdateFramework update) {
        FrameworkInfo next = update.getFrameworkInfo();
        if (!next.getPrincipal().equals(f.info.getPrincipal()) || !next.getUser().equals(f.info.getUser())
                || next.getCheckpoint() != f.info.getCheckpoint()) {
            return new Answer(400, "Updating 'FrameworkInfo.principal', 'user' or 'checkpoint' is not supported");
        }
        Optional<String> invalid = SubscriptionRules.invalid(next, update.getSuppressedRolesList(),
                settings.roleWhitelist(), Set.of());
        if (invalid.isPresent()) {
            return new Answer(400, invalid.get());
        }
        f.info = next;
        f.suppressedRoles.clear();
        f.suppressedRoles.addAll(update.getSuppressedRolesList());
        return new Answer(200, "");
    }

    /** Sends to the framework's stream; a failed write means the client is gone. */
    boolean send(FakeFramework f, Event event) {
        FakeEventStream s = f.stream;
        if (!f.connected || s == null) {
            return false;
        }
        if (!s.send(event)) {
            disconnected(f, s);
            return false;
        }
        return true;
    }

    /** The stream of {@code f} broke (a write failed): the connection is dropped and the framework deactivated. */
    synchronized void disconnected(FakeFramework f, FakeEventStream stream) {
        if (deactivate(f, stream)) {
            stream.abort();
        }
    }

    /**
     * The master loses its connections without the clients noticing (a partition): every framework is inactive,
     * its stream gets no more events but stays open.
     */
    synchronized void forgetConnections() {
        for (FakeFramework f : new ArrayList<>(frameworks.values())) {
            if (f.stream != null) {
                deactivate(f, f.stream);
            }
        }
    }

    /** An operation status with a uuid, as an agent sends it for an operation that asked for feedback. */
    synchronized void operationStatus(String frameworkId, org.apache.mesos.v1.Protos.OperationStatus status) {
        FakeFramework f = frameworks.get(frameworkId);
        if (f == null) {
            throw new IllegalArgumentException("no framework " + frameworkId);
        }
        send(f, Event.newBuilder().setType(Event.Type.UPDATE_OPERATION_STATUS)
                .setUpdateOperationStatus(Event.UpdateOperationStatus.newBuilder().setStatus(status)).build());
    }

    /** Ends every subscription stream, cleanly (EOF) or by dropping the connection. */
    synchronized void closeStreams(boolean abort) {
        for (FakeFramework f : new ArrayList<>(frameworks.values())) {
            FakeEventStream s = f.stream;
            if (s != null && deactivate(f, s)) {
                if (abort) {
                    s.abort();
                } else {
                    s.end();
                }
            }
        }
    }

    /**
     * The framework's connection is gone: it is inactive, its offers are void (no RESCIND can reach it), calls get
     * 403, and it is removed unless it subscribes again within its failover timeout.
     */
    private boolean deactivate(FakeFramework f, FakeEventStream stream) {
        if (f.stream != stream || !f.connected) {
            return false;
        }
        f.connected = false;
        if (f.heartbeats != null) {
            f.heartbeats.cancel(false);
        }
        allocator.dropOffers(f);
        long timeout = Math.round(f.info.getFailoverTimeout() * 1000);
        f.failoverTimer = timer.schedule(() -> failoverExpired(f), timeout, TimeUnit.MILLISECONDS);
        return true;
    }

    /** The master stops serving its streams (it lost the lead): they end, nothing else is kept. */
    synchronized void stepDown() {
        closeStreams(false);
        for (FakeFramework f : frameworks.values()) {
            if (f.failoverTimer != null) {
                f.failoverTimer.cancel(false);
            }
        }
        frameworks.clear();
        allocator.forgetOffers();
        updates.forgetTasks();
    }

    private synchronized void failoverExpired(FakeFramework f) {
        if (!f.connected && frameworks.get(f.id) == f) {
            remove(f);
        }
    }

    private void failOver(FakeFramework f) {
        FakeEventStream old = f.stream;
        if (f.heartbeats != null) {
            f.heartbeats.cancel(false);
        }
        if (f.connected && old != null) {
            old.send(error("Framework failed over"));
            old.end();
        }
        f.connected = false;
        allocator.dropOffers(f);
    }

    private void remove(FakeFramework f) {
        if (f.heartbeats != null) {
            f.heartbeats.cancel(false);
        }
        if (f.connected && f.stream != null) {
            f.stream.end();
        }
        f.connected = false;
        allocator.dropOffers(f);
        updates.removeFramework(f);
        frameworks.remove(f.id);
        removed.add(f.id);
    }

    private synchronized void heartbeatTick(FakeFramework f, FakeEventStream stream) {
        if (f.stream != stream || !f.connected || faults.dropHeartbeats()) {
            return;
        }
        send(f, heartbeat());
    }

    static Event heartbeat() {
        return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    }

    static Event error(String message) {
        return Event.newBuilder().setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage(message)).build();
    }

    Duration heartbeatInterval() {
        return settings.heartbeatInterval();
    }
}
