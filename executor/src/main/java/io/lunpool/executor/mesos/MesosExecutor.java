package io.lunpool.executor.mesos;

import com.google.protobuf.ByteString;
import io.lunpool.core.LunpoolException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Over 250 lines: every event, report and timer of the executor's one state, on one thread, in one place.
/**
 * A Mesos v1 HTTP executor: subscribes to the agent at once, hands launched tasks to a {@link TaskRunner}, sends
 * each report as an UPDATE with a fresh uuid and keeps it until the agent acknowledges that uuid, and lists what is
 * unacknowledged (tasks and updates) in every SUBSCRIBE.
 *
 * <ul>
 *   <li>KILL: TASK_KILLING first when the framework has TASK_KILLING_STATE, then the runner stops the task within
 *       the kill policy's grace period (the KILL's, else the task's, else {@value #DEFAULT_KILL_GRACE_SECONDS} s).</li>
 *   <li>SHUTDOWN: every task is killed within half the shutdown grace period, and the executor exits once the agent
 *       has their updates, at the latest after 80% of the grace period, before the agent destroys it.</li>
 *   <li>A lost connection: with checkpointing the tasks keep running and SUBSCRIBE is tried again after random
 *       waits of at most MESOS_SUBSCRIPTION_BACKOFF_MAX until MESOS_RECOVERY_TIMEOUT, after which the executor
 *       kills its tasks and exits 1; without checkpointing it does that at once.</li>
 *   <li>Done: when every launched task has ended and the agent acknowledged every update, the executor exits 0;
 *       when acknowledgements are missing it exits anyway {@code exitFailSafe} after the last task ended.</li>
 * </ul>
 *
 * Everything that changes its state runs on one thread, in order: events, reports and timers.
 */
public final class MesosExecutor {
    static final long DEFAULT_KILL_GRACE_SECONDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(MesosExecutor.class);
    /** Before its first subscription, without checkpointing, the agent gives an executor this long (its default). */
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofMinutes(1);

    private final ExecutorEnvironment env;
    private final TaskRunner runner;
    private final Duration exitFailSafe;
    private final Clock clock;
    private final ExecutorCalls calls;
    private final AgentHttp http;
    private final AgentConnection connection;
    private final UpdateLedger ledger = new UpdateLedger();
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mesos-executor-events");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final StatusReporter reporter = (taskId, phase, message) -> post(() -> report(taskId, phase, message));

    // confined to the events thread
    private long epoch;
    private boolean subscribed;
    private boolean everSubscribed;
    private boolean killingState;
    private boolean shuttingDown;
    private String givingUp;
    private ScheduledFuture<?> recoveryTimer;
    private ScheduledFuture<?> registrationTimer;
    private ScheduledFuture<?> failSafeTimer;
    private final Deque<Call.Update> outbox = new ArrayDeque<>();
    private boolean sending;

    public MesosExecutor(ExecutorEnvironment env, TaskRunner runner, Duration exitFailSafe, Clock clock) {
        this.env = env;
        this.runner = runner;
        this.exitFailSafe = exitFailSafe;
        this.clock = clock;
        this.calls = new ExecutorCalls(env.frameworkId(), env.executorId());
        this.http = new AgentHttp(env.executorApi(), env.authenticationToken(), Duration.ofSeconds(30));
        this.connection = new AgentConnection(http);
    }

    /** Runs until the executor's work is done, it is shut down or it gives up on the agent; returns the exit code. */
    public int run() throws InterruptedException {
        LOG.info("executor {} of framework {} starts: agent {}, checkpoint {}, recovery timeout {}, subscription"
                        + " backoff at most {}, shutdown grace period {}, sandbox {}", env.executorId(), env.frameworkId(),
                env.agentEndpoint(), env.checkpoint(), env.recoveryTimeout(), env.subscriptionBackoffMax(),
                env.shutdownGracePeriod(), env.sandbox());
        Duration firstWait = env.checkpoint() ? env.recoveryTimeout() : REGISTRATION_TIMEOUT;
        events.execute(() -> registrationTimer = events.schedule(() -> giveUp("no subscription to the agent within "
                + firstWait), firstWait.toMillis(), TimeUnit.MILLISECONDS));
        connection.start(new Handler());
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the executor failed", e.getCause());
        } finally {
            connection.close();
            events.shutdownNow();
        }
    }

    /** What the connection thread hears, handed to the events thread. */
    private final class Handler implements AgentConnection.Handler {
        @Override
        public Call subscribeCall(long attempt) {
            return onEvents(() -> {
                epoch = attempt;
                subscribed = false;
                outbox.clear();
                Call call = calls.subscribe(ledger.unacknowledgedTasks(), ledger.unacknowledgedUpdates());
                ledger.allSent(attempt);
                return call;
            });
        }

        @Override
        public void event(long attempt, Event event) {
            post(() -> onEvent(attempt, event));
        }

        @Override
        public void ended(long attempt, String reason) {
            post(() -> onEnded(attempt, reason));
        }

        @Override
        public Optional<Duration> retryDelay() {
            if (exit.isDone()) {
                return Optional.empty();
            }
            long maxNanos = Math.max(env.subscriptionBackoffMax().toNanos(), 1);
            return Optional.of(Duration.ofNanos(ThreadLocalRandom.current().nextLong(maxNanos + 1)));
        }
    }

    private void onEvent(long attempt, Event event) {
        if (attempt != epoch || exit.isDone()) {
            LOG.debug("ignoring {} of the ended subscription {}", event.getType(), attempt);
            return;
        }
        switch (event.getType()) {
            case SUBSCRIBED -> subscribed(event.getSubscribed());
            case LAUNCH -> launch(event.getLaunch().getTask());
            case LAUNCH_GROUP -> event.getLaunchGroup().getTaskGroup().getTasksList().forEach(this::launch);
            case KILL -> kill(event.getKill());
            case ACKNOWLEDGED -> acknowledged(event.getAcknowledged());
            case SHUTDOWN -> shutdown();
            case ERROR -> {
                LOG.error("the agent sent ERROR: {}; subscribing again", event.getError().getMessage());
                connection.disconnect(attempt);
            }
            case MESSAGE -> LOG.info("message from the framework ({} bytes)", event.getMessage().getData().size());
            case HEARTBEAT -> LOG.debug("heartbeat from the agent");
            default -> LOG.warn("ignoring an event of unknown type {}", event.getType());
        }
    }

    private void subscribed(Event.Subscribed s) {
        subscribed = true;
        everSubscribed = true;
        cancel(recoveryTimer);
        recoveryTimer = null;
        cancel(registrationTimer);
        FrameworkInfo framework = s.getFrameworkInfo();
        killingState = framework.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.TASK_KILLING_STATE);
        LOG.info("subscribed to agent {} ({}) as executor {} of framework {}; {} update(s) and {} task(s) were"
                        + " unacknowledged", s.getAgentInfo().getId().getValue(), s.getAgentInfo().getHostname(),
                env.executorId(), framework.getName(), ledger.pendingCount(), ledger.unacknowledgedTasks().size());
        for (UpdateLedger.Pending p : ledger.notSentOn(epoch)) {
            send(p.update());
        }
    }

    private void launch(TaskInfo task) {
        String id = task.getTaskId().getValue();
        if (shuttingDown || givingUp != null) {
            LOG.warn("task {} arrived while the executor stops; it is not run", id);
            return;
        }
        if (!ledger.launched(task)) {
            LOG.warn("task {} was launched before; the repeated launch is ignored", id);
            return;
        }
        cancel(failSafeTimer);
        failSafeTimer = null;
        Map<String, String> labels = new LinkedHashMap<>();
        for (Label l : task.getLabels().getLabelsList()) {
            labels.putIfAbsent(l.getKey(), l.hasValue() ? l.getValue() : "");
        }
        Optional<Duration> grace = task.hasKillPolicy() && task.getKillPolicy().hasGracePeriod()
                ? Optional.of(Duration.ofNanos(task.getKillPolicy().getGracePeriod().getNanoseconds()))
                : Optional.empty();
        LOG.info("task {} ({}) launched", id, task.getName());
        try {
            runner.launch(new LaunchedTask(id, task.getName(), task.getData().toByteArray(), labels, grace), reporter);
        } catch (RuntimeException e) {
            LOG.error("starting task {} failed", id, e);
            report(id, TaskPhase.FAILED, "the executor could not start the task: " + e);
        }
    }

    private void kill(Event.Kill kill) {
        String id = kill.getTaskId().getValue();
        if (!ledger.known(id) || ledger.terminal(id)) {
            LOG.info("KILL of task {}, which {}; nothing to do", id, ledger.known(id) ? "has ended" : "is unknown here");
            return;
        }
        Duration grace = grace(kill.hasKillPolicy() ? Optional.of(kill.getKillPolicy()) : Optional.empty(),
                ledger.task(id).filter(TaskInfo::hasKillPolicy).map(TaskInfo::getKillPolicy));
        if (killingState && ledger.phase(id).map(p -> p != TaskPhase.KILLING).orElse(true)) {
            report(id, TaskPhase.KILLING, "killing the task within " + grace.toMillis() + " ms");
        }
        runner.kill(id, grace);
    }

    private static Duration grace(Optional<KillPolicy> ofKill, Optional<KillPolicy> ofTask) {
        return ofKill.filter(KillPolicy::hasGracePeriod).or(() -> ofTask.filter(KillPolicy::hasGracePeriod))
                .map(p -> Duration.ofNanos(p.getGracePeriod().getNanoseconds()))
                .orElse(Duration.ofSeconds(DEFAULT_KILL_GRACE_SECONDS));
    }

    private void acknowledged(Event.Acknowledged ack) {
        if (!ledger.acknowledge(ack.getTaskId().getValue(), ack.getUuid())) {
            LOG.debug("an acknowledgement of task {} for no pending update", ack.getTaskId().getValue());
            return;
        }
        checkDone();
    }

    private void shutdown() {
        if (shuttingDown) {
            return;
        }
        shuttingDown = true;
        Duration grace = env.shutdownGracePeriod();
        LOG.info("SHUTDOWN: killing {} task(s) within {} ms; exiting within {} ms", ledger.live().size(),
                grace.toMillis() / 2, grace.toMillis() * 8 / 10);
        events.schedule(() -> finish(0, "the shutdown grace period is nearly over"), grace.toMillis() * 8 / 10,
                TimeUnit.MILLISECONDS);
        runner.killAll(grace.dividedBy(2));
        checkDone();
    }

    private void report(String taskId, TaskPhase phase, String message) {
        if (exit.isDone()) {
            return;
        }
        if (!ledger.known(taskId)) {
            LOG.warn("a report for task {}, which was never launched here, is dropped: {} {}", taskId, phase, message);
            return;
        }
        if (ledger.terminal(taskId)) {
            LOG.warn("task {} has ended already; the report {} ({}) is dropped", taskId, phase, message);
            return;
        }
        Call.Update update = calls.status(taskId, phase, message, clock.millis() / 1000.0);
        ledger.add(phase, update);
        LOG.info("task {}: {} {}", taskId, ExecutorCalls.state(phase), message == null ? "" : message);
        if (subscribed) {
            send(update);
        }
        if (phase.terminal()) {
            checkDone();
        }
    }

    /** Queues the update; updates go out one at a time, in order, each after the agent answered the previous. */
    private void send(Call.Update update) {
        outbox.add(update);
        pump();
    }

    private void pump() {
        if (sending || outbox.isEmpty() || !subscribed || exit.isDone()) {
            return;
        }
        Call.Update update = outbox.poll();
        long on = epoch;
        ByteString uuid = update.getStatus().getUuid();
        ledger.sent(uuid, on);
        sending = true;
        http.call(calls.update(update)).whenComplete((answer, error) -> post(() -> {
            sending = false;
            if (error == null && answer.status() == 202 || on != epoch || exit.isDone()) {
                pump();
                return;
            }
            String why = error != null ? error.toString() : answer.status() + " " + answer.body();
            if (error != null || answer.status() >= 500) {
                LOG.warn("UPDATE of task {} got {}; subscribing again, which sends it again",
                        update.getStatus().getTaskId().getValue(), why);
                connection.disconnect(on);
            } else {
                LOG.error("the agent refused the UPDATE of task {}: {}; it stays unacknowledged",
                        update.getStatus().getTaskId().getValue(), why);
                pump();
            }
        }));
    }

    private void onEnded(long attempt, String reason) {
        if (attempt != epoch || exit.isDone()) {
            return;
        }
        boolean wasSubscribed = subscribed;
        subscribed = false;
        if (!everSubscribed || givingUp != null) {
            LOG.info("subscription attempt {} ended: {}", attempt, reason);
            return;
        }
        if (!env.checkpoint()) {
            giveUp("the connection to the agent ended (" + reason + ") and the framework does not checkpoint");
            return;
        }
        if (recoveryTimer == null) {
            LOG.warn("the connection to the agent ended ({}); the tasks keep running while the executor subscribes"
                    + " again for up to {}", reason, env.recoveryTimeout());
            recoveryTimer = events.schedule(() -> giveUp("the agent did not come back within the recovery timeout"
                    + " of " + env.recoveryTimeout()), env.recoveryTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else if (wasSubscribed) {
            LOG.warn("the connection to the agent ended again: {}", reason);
        } else {
            LOG.info("subscribing again failed: {}", reason);
        }
    }

    /** The agent is gone for good: kill every task and exit 1 once they ended (updates cannot reach anyone). */
    private void giveUp(String reason) {
        if (givingUp != null || exit.isDone()) {
            return;
        }
        givingUp = reason;
        LOG.error("giving up on the agent: {}; killing {} task(s)", reason, ledger.live().size());
        connection.close();
        Duration grace = env.shutdownGracePeriod();
        events.schedule(() -> finish(1, reason), grace.toMillis(), TimeUnit.MILLISECONDS);
        runner.killAll(grace.dividedBy(2));
        checkDone();
    }

    private void checkDone() {
        if (exit.isDone()) {
            return;
        }
        if (givingUp != null) {
            if (ledger.live().isEmpty()) {
                finish(1, givingUp);
            }
            return;
        }
        if (ledger.settled()) {
            finish(0, "every task ended and the agent acknowledged every update");
        } else if (ledger.allEnded() && failSafeTimer == null && !shuttingDown) {
            failSafeTimer = events.schedule(() -> finish(0, "every task ended but " + ledger.pendingCount()
                    + " update(s) were not acknowledged within " + exitFailSafe), exitFailSafe.toMillis(),
                    TimeUnit.MILLISECONDS);
        } else if (shuttingDown && ledger.live().isEmpty() && ledger.pendingCount() == 0) {
            finish(0, "shut down: every task ended and the agent acknowledged every update");
        }
    }

    private void finish(int code, String reason) {
        if (exit.isDone()) {
            return;
        }
        if (code == 0) {
            LOG.info("executor {} exits: {}", env.executorId(), reason);
        } else {
            LOG.error("executor {} exits with {}: {}", env.executorId(), code, reason);
        }
        cancel(recoveryTimer);
        cancel(registrationTimer);
        cancel(failSafeTimer);
        connection.close();
        exit.complete(code);
    }

    /** Runs {@code work} on the events thread; after the exit nothing runs any more. */
    private void post(Runnable work) {
        try {
            events.execute(work);
        } catch (RejectedExecutionException afterExit) {
            LOG.debug("the executor has exited; dropped {}", work);
        }
    }

    private <T> T onEvents(java.util.concurrent.Callable<T> work) {
        try {
            return events.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LunpoolException.transientError("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
