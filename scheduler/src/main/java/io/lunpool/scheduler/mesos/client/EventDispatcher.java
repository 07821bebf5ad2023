package io.lunpool.scheduler.mesos.client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.mesos.v1.Protos.OperationStatus;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the events of the subscription on one thread, in stream order. Events of an epoch that is over when
 * their turn comes are dropped: their offers are void and their updates come again. SUBSCRIBED stores the
 * framework id before anything acts on it; OFFERS and RESCIND keep the offer ledger; an UPDATE with a uuid is
 * acknowledged exactly once, after the listener's stage completes. ERROR is handled as it is read, before the
 * master closes the stream behind it: it ends the subscription, and when the master has removed the framework
 * the id is forgotten before the next SUBSCRIBE is built. A backlog of more than {@code maxQueued} events ends
 * the subscription rather than grow without bound.
 */
final class EventDispatcher implements SchedulerConnection.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatcher.class);
    static final String FRAMEWORK_REMOVED = "Framework has been removed";

    private final SchedulerConnection connection;
    private final SchedulerCalls calls;
    private final FrameworkIdStore ids;
    private final SchedulerListener listener;
    private final OfferLedger offers;
    private final TaskReconciler reconciler;
    private final Function<Optional<String>, Call> subscribeCall;
    private final Clock clock;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicReference<Optional<String>> frameworkId;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mesos-events");
        t.setDaemon(true);
        return t;
    });

    EventDispatcher(SchedulerConnection connection, SchedulerCalls calls, FrameworkIdStore ids,
                    SchedulerListener listener, OfferLedger offers, TaskReconciler reconciler,
                    Function<Optional<String>, Call> subscribeCall,
                    Clock clock, int maxQueued) {
        this.connection = connection;
        this.calls = calls;
        this.ids = ids;
        this.listener = listener;
        this.offers = offers;
        this.reconciler = reconciler;
        this.subscribeCall = subscribeCall;
        this.clock = clock;
        this.maxQueued = maxQueued;
        this.frameworkId = new AtomicReference<>(ids.load());
    }

    Optional<String> frameworkId() {
        return frameworkId.get();
    }

    @Override
    public Call subscribeCall() {
        return subscribeCall.apply(frameworkId.get());
    }

    @Override
    public void event(long epoch, Event event) {
        if (event.getType() == Event.Type.ERROR) {
            error(epoch, event.getError().getMessage());
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            connection.disconnect(epoch, "more than " + maxQueued + " events wait for the listener");
            return;
        }
        thread.execute(() -> {
            queued.decrementAndGet();
            if (!connection.live(epoch)) {
                LOG.debug("dropping a {} event of the old subscription {}", event.getType(), epoch);
                return;
            }
            try {
                handle(epoch, event);
            } catch (RuntimeException e) {
                LOG.error("handling a {} event failed; ending the subscription", event.getType(), e);
                connection.disconnect(epoch, "handling a " + event.getType() + " event failed: " + e);
            }
        });
    }

    @Override
    public void ended(long epoch, String reason) {
        thread.execute(() -> {
            offers.clear();
            reconciler.stopped(reason);
            listener.disconnected(reason);
        });
    }

    @Override
    public void fatal(String reason) {
        thread.execute(() -> {
            offers.clear();
            reconciler.stopped(reason);
            listener.fatal(reason);
        });
    }

    private void handle(long epoch, Event event) {
        switch (event.getType()) {
            case SUBSCRIBED -> subscribed(epoch, event.getSubscribed());
            case OFFERS -> {
                List<MesosOffer> list = event.getOffers().getOffersList().stream().map(ResourceMapping::offer).toList();
                offers.received(list, clock.instant());
                listener.offers(list);
            }
            case RESCIND -> {
                offers.rescinded(event.getRescind().getOfferId().getValue());
                listener.rescinded(event.getRescind().getOfferId().getValue());
            }
            case UPDATE -> update(event.getUpdate().getStatus());
            case UPDATE_OPERATION_STATUS -> operationUpdate(event.getUpdateOperationStatus().getStatus());
            case FAILURE -> listener.failure(EventMapping.failure(event.getFailure()));
            case HEARTBEAT -> LOG.trace("heartbeat");
            default -> LOG.debug("ignoring a {} event", event.getType());
        }
    }

    private void subscribed(long epoch, Event.Subscribed s) {
        String id = s.getFrameworkId().getValue();
        Optional<String> before = frameworkId.get();
        if (before.isEmpty() || !before.get().equals(id)) {
            ids.save(id);
            frameworkId.set(Optional.of(id));
        }
        if (!connection.subscribed(epoch, id)) {
            return;
        }
        Optional<Duration> interval = s.hasHeartbeatIntervalSeconds()
                ? Optional.of(Duration.ofMillis(Math.round(s.getHeartbeatIntervalSeconds() * 1000))) : Optional.empty();
        String master = s.getMasterInfo().hasAddress()
                ? s.getMasterInfo().getAddress().getHostname() + ":" + s.getMasterInfo().getAddress().getPort()
                : s.getMasterInfo().getHostname() + ":" + s.getMasterInfo().getPort();
        LOG.info("subscribed as framework {} at {}", id, master);
        listener.subscribed(new SubscriptionInfo(id, master, interval, before.isEmpty()));
        reconciler.subscribed();
    }

    private void update(TaskStatus status) {
        TaskUpdate update = EventMapping.taskUpdate(status);
        reconciler.observe(update);
        CompletionStage<Void> handled = handled(() -> listener.taskUpdate(update));
        if (!status.hasUuid()) {
            return;
        }
        if (!status.hasAgentId()) {
            LOG.warn("the update of task {} has a uuid but no agent; it cannot be acknowledged", update.taskId());
            return;
        }
        handled.whenComplete((ok, error) -> {
            if (error != null) {
                LOG.warn("the update {} of task {} is not acknowledged: the listener failed; the agent sends it again",
                        update.state(), update.taskId(), error);
                return;
            }
            acknowledge("ACKNOWLEDGE of task " + update.taskId(), fid -> calls.acknowledge(fid,
                    status.getAgentId().getValue(), status.getTaskId().getValue(), status.getUuid()));
        });
    }

    private void operationUpdate(OperationStatus status) {
        OperationUpdate update = EventMapping.operationUpdate(status);
        CompletionStage<Void> handled = handled(() -> listener.operationUpdate(update));
        if (!status.hasUuid()) {
            return;
        }
        if (!status.hasAgentId() || !status.hasOperationId()) {
            LOG.warn("the operation status {} has a uuid but no agent or operation id; it cannot be acknowledged",
                    update);
            return;
        }
        handled.whenComplete((ok, error) -> {
            if (error == null) {
                acknowledge("ACKNOWLEDGE_OPERATION_STATUS of " + status.getOperationId().getValue(),
                        fid -> calls.acknowledgeOperation(fid, status));
            } else {
                LOG.warn("the operation status {} is not acknowledged: the listener failed", update, error);
            }
        });
    }

    private void acknowledge(String what, Function<String, Call> call) {
        Optional<SchedulerConnection.Session> session = connection.session();
        if (session.isEmpty()) {
            LOG.info("{} dropped: not subscribed; the agent sends the update again", what);
            return;
        }
        connection.call(what, call.apply(session.get().frameworkId())).whenComplete((a, e) -> {
            if (e != null) {
                LOG.warn("{} failed; the agent sends the update again: {}", what, e.getMessage());
            }
        });
    }

    private void error(long epoch, String message) {
        LOG.warn("the master sent ERROR: {}", message);
        if (message.contains(FRAMEWORK_REMOVED)) {
            ids.clear();
            frameworkId.set(Optional.empty());
        }
        connection.disconnect(epoch, "ERROR from the master: " + message);
    }

    private static CompletionStage<Void> handled(Supplier<CompletionStage<Void>> listenerCall) {
        try {
            CompletionStage<Void> stage = listenerCall.get();
            return stage == null ? CompletableFuture.completedFuture(null) : stage;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
