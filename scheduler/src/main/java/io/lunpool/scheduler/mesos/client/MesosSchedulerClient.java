package io.lunpool.scheduler.mesos.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos v1 HTTP scheduler client: it subscribes and stays subscribed (redirects, backoff, heartbeat watchdog),
 * hands the events to a {@link SchedulerListener}, acknowledges updates after the listener has handled them,
 * reconciles after every subscription, and offers the calls as methods. Calls made while not subscribed are
 * dropped with a {@link MesosCallException} (never queued): the framework re-drives its work from its state.
 * Offers are checked before an ACCEPT or DECLINE goes out: each is answered at most once, never after a
 * rescind, one ACCEPT per agent; an offer left unanswered past {@code offerHoldTimeout} is declined.
 */
public final class MesosSchedulerClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);
    private static final int MAX_QUEUED_EVENTS = 10_000;

    /** The client's state, for health checks. */
    public enum State { DISCONNECTED, CONNECTING, SUBSCRIBED, FAILED, CLOSED }

    private final MesosClientSettings settings;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final SchedulerCalls calls;
    private final SchedulerConnection connection;
    private final OfferLedger offers = new OfferLedger();
    private final TaskReconciler reconciler;
    private final EventDispatcher dispatcher;
    private final ReviveThrottle reviveThrottle;
    private volatile boolean suppressed;
    private CompletableFuture<Void> pendingRevive;

    public MesosSchedulerClient(MesosClientSettings settings, FrameworkIdStore ids, SchedulerListener listener,
                                KnownTasks tasks) {
        this(settings, ids, listener, tasks, Clock.systemUTC());
    }

    MesosSchedulerClient(MesosClientSettings settings, FrameworkIdStore ids, SchedulerListener listener,
                         KnownTasks tasks, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mesos-timer");
            t.setDaemon(true);
            return t;
        });
        this.calls = new SchedulerCalls(settings);
        MesosCodec codec = new MesosCodec(settings.contentType());
        ReconnectBackoff backoff = new ReconnectBackoff(settings.reconnectBackoffMin(), settings.reconnectBackoffMax(),
                () -> ThreadLocalRandom.current().nextDouble());
        SchedulerHttp http = new SchedulerHttp(SchedulerHttp.client(Duration.ofSeconds(10)), codec,
                settings.credentials(), settings.callTimeout(), settings.maxRedirects(), backoff, clock);
        this.connection = new SchedulerConnection(http, codec, detector(settings), backoff, timer, clock);
        this.reconciler = new TaskReconciler(settings, tasks, timer, this::sendReconcile);
        this.reviveThrottle = new ReviveThrottle(settings.reviveMinInterval());
        this.dispatcher = new EventDispatcher(connection, calls, ids, listener, offers, reconciler,
                frameworkId -> calls.subscribe(frameworkId, suppressed), clock, MAX_QUEUED_EVENTS);
    }

    private static MasterDetector detector(MesosClientSettings settings) {
        if (settings.master() instanceof MasterLocation.ZooKeeper zk) {
            return new ZkMasterDetector(zk, "http", Duration.ofSeconds(10));
        }
        return new DirectMasterDetector(((MasterLocation.Direct) settings.master()).base());
    }

    /** Starts subscribing; returns at once. */
    public void start() {
        connection.start(dispatcher);
        long sweep = Math.max(50, Math.min(1000, settings.offerHoldTimeout().toMillis() / 4));
        timer.scheduleWithFixedDelay(this::declineHeldOffers, sweep, sweep, TimeUnit.MILLISECONDS);
    }

    public State state() {
        return State.valueOf(connection.state().name());
    }

    /** The framework id, once a master has assigned it (or as stored from an earlier run). */
    public Optional<String> frameworkId() {
        return dispatcher.frameworkId();
    }

    /** The base URL of the master of the current subscription. */
    public Optional<URI> master() {
        return connection.session().map(SchedulerConnection.Session::base);
    }

    /**
     * Accepts offers of one agent with the operations, declining what they leave unused for {@code refuse}.
     * Fails without sending when an offer is unknown, rescinded, used already, or of another agent.
     */
    public CompletableFuture<Void> accept(List<String> offerIds, List<OfferOperation> operations, Duration refuse) {
        return withSession("ACCEPT", fid -> {
            Call call = calls.accept(fid, offerIds, offers.agentOf(offerIds, true), operations, refuse);
            offers.claim(offerIds, true);
            return call;
        });
    }

    public CompletableFuture<Void> decline(List<String> offerIds, Duration refuse) {
        return withSession("DECLINE", fid -> {
            offers.claim(offerIds, false);
            return calls.decline(fid, offerIds, refuse);
        });
    }

    /** Stops offers for the role; the suppression is sent again on every later SUBSCRIBE until a revive. */
    public CompletableFuture<Void> suppress() {
        suppressed = true;
        return withSession("SUPPRESS", calls::suppress);
    }

    /**
     * Asks for offers again (clears the suppression and the decline filters). At most one REVIVE goes out per
     * {@code reviveMinInterval}; one asked for sooner is sent at the end of the interval, shared by all asked
     * for meanwhile.
     */
    public synchronized CompletableFuture<Void> revive() {
        suppressed = false;
        ReviveThrottle.Decision d = reviveThrottle.request(clock.instant());
        if (d instanceof ReviveThrottle.Decision.SendAt at) {
            CompletableFuture<Void> later = new CompletableFuture<>();
            pendingRevive = later;
            long wait = Math.max(0, Duration.between(clock.instant(), at.when()).toMillis());
            timer.schedule(() -> {
                reviveThrottle.sent(clock.instant());
                withSession("REVIVE", calls::revive).whenComplete((ok, e) -> {
                    if (e != null) {
                        later.completeExceptionally(e);
                    } else {
                        later.complete(null);
                    }
                });
            }, wait, TimeUnit.MILLISECONDS);
            return later;
        }
        if (d instanceof ReviveThrottle.Decision.AlreadyScheduled) {
            return pendingRevive;
        }
        return withSession("REVIVE", calls::revive);
    }

    public CompletableFuture<Void> kill(String taskId, Optional<String> agentId) {
        return withSession("KILL of " + taskId, fid -> calls.kill(fid, taskId, agentId));
    }

    /** RECONCILE of the given tasks (none: implicit), once, without retries. */
    public CompletableFuture<Void> reconcile(List<TaskRef> tasks) {
        return sendReconcile(tasks);
    }

    /** An explicit reconciliation run with retries, or the one going on. */
    public CompletableFuture<Void> reconcileKnownTasks() {
        if (state() != State.SUBSCRIBED) {
            return CompletableFuture.failedFuture(new MesosCallException("reconciliation dropped: not subscribed", 0));
        }
        return reconciler.runNow();
    }

    /** Removes the framework for good: the master kills its tasks. The stored framework id stays until ERROR. */
    public CompletableFuture<Void> teardown() {
        return withSession("TEARDOWN", calls::teardown);
    }

    private CompletableFuture<Void> sendReconcile(List<TaskRef> tasks) {
        return withSession(tasks.isEmpty() ? "implicit RECONCILE" : "RECONCILE of " + tasks.size() + " tasks",
                fid -> calls.reconcile(fid, tasks));
    }

    private CompletableFuture<Void> withSession(String what, Function<String, Call> build) {
        Optional<SchedulerConnection.Session> session = connection.session();
        if (session.isEmpty()) {
            return CompletableFuture.failedFuture(new MesosCallException(what + " dropped: not subscribed ("
                    + connection.state() + "); it is not queued", 0));
        }
        Call call;
        try {
            call = build.apply(session.get().frameworkId());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new MesosCallException(what + " refused before sending: "
                    + e.getMessage(), 0));
        }
        return connection.call(what, call).thenApply(answer -> null);
    }

    private void declineHeldOffers() {
        try {
            List<String> expired = offers.expire(clock.instant(), settings.offerHoldTimeout());
            if (expired.isEmpty() || connection.session().isEmpty()) {
                return;
            }
            LOG.info("declining {} offers held longer than {}", expired.size(), settings.offerHoldTimeout());
            String fid = connection.session().get().frameworkId();
            connection.call("DECLINE of held offers", calls.decline(fid, expired, settings.declineRefuse()))
                    .whenComplete((a, e) -> {
                        if (e != null) {
                            LOG.warn("declining held offers failed: {}", e.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.error("the offer sweep failed", e);
        }
    }

    @Override
    public void close() {
        connection.close();
        dispatcher.close();
        timer.shutdownNow();
    }
}
