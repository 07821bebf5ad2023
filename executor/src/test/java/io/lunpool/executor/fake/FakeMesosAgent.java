package io.lunpool.executor.fake;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.ContainerID;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

// Over 250 lines: the agent's one state (executors, tasks, recovery) under one lock, and the API tests drive it by.
/**
 * A fake Mesos agent speaking the v1 executor API over real HTTP on 127.0.0.1 ({@code /api/v1/executor} and
 * {@code /slave(1)/api/v1/executor}) with the agent's status codes, checked in the agent's order
 * ({@link FakeAgentEndpoint}). It starts each executor a task names as a real child process
 * ({@link ExecutorChild}) with the environment a Mesos agent gives (FA-03), delivers LAUNCH once the executor has
 * subscribed, answers every UPDATE with ACKNOWLEDGED on the executor's stream (FA-01), and keeps each task's updates
 * for the master to pick up one at a time ({@link #nextForScheduler}, {@link #schedulerAcknowledged}). It can
 * restart (FA-02): its endpoint closes (connections refused), reopens answering 503 for a while, then takes
 * re-subscriptions within the re-registration window, after which it drops the STAGING tasks no executor listed and
 * kills the executors that did not come back. Every request is recorded with the status it got.
 */
public final class FakeMesosAgent implements AutoCloseable {
    /** Where the agent is in its life: serving, restarting (endpoint closed), recovering (503), re-registering. */
    public enum Phase { RUNNING, DOWN, UNAVAILABLE, REREGISTERING }

    /**
     * How the agent and its framework run. The durations reach executors through their environment; the
     * re-registration window is the agent's {@code --executor_reregistration_timeout}.
     */
    public record Settings(Path workDir, String frameworkId, String agentId, boolean checkpoint,
                           Duration recoveryTimeout, Duration subscriptionBackoffMax, Duration shutdownGracePeriod,
                           Duration reregistrationTimeout, boolean partitionAware, boolean taskKillingState,
                           Optional<String> token, Map<String, String> extraEnvironment) {
        public Settings {
            extraEnvironment = Map.copyOf(extraEnvironment);
        }

        /** A real agent's defaults: checkpointing, 15mins, 2secs, 5secs, a 2 s window; partition-aware, killing state. */
        public static Settings defaults(Path workDir) {
            return new Settings(workDir, UUID.randomUUID() + "-0000", UUID.randomUUID() + "-S0", true,
                    Duration.ofMinutes(15), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2), true,
                    true, Optional.empty(), Map.of());
        }

        public Settings checkpoint(boolean on) {
            return new Settings(workDir, frameworkId, agentId, on, recoveryTimeout, subscriptionBackoffMax,
                    shutdownGracePeriod, reregistrationTimeout, partitionAware, taskKillingState, token,
                    extraEnvironment);
        }

        public Settings recovery(Duration timeout, Duration backoffMax, Duration window) {
            return new Settings(workDir, frameworkId, agentId, checkpoint, timeout, backoffMax, shutdownGracePeriod,
                    window, partitionAware, taskKillingState, token, extraEnvironment);
        }

        public Settings shutdownGracePeriod(Duration grace) {
            return new Settings(workDir, frameworkId, agentId, checkpoint, recoveryTimeout, subscriptionBackoffMax,
                    grace, reregistrationTimeout, partitionAware, taskKillingState, token, extraEnvironment);
        }

        public Settings taskKillingState(boolean on) {
            return new Settings(workDir, frameworkId, agentId, checkpoint, recoveryTimeout, subscriptionBackoffMax,
                    shutdownGracePeriod, reregistrationTimeout, partitionAware, on, token, extraEnvironment);
        }

        /** Executor authentication: the token goes into MESOS_EXECUTOR_AUTHENTICATION_TOKEN and is required. */
        public Settings token(String value) {
            return new Settings(workDir, frameworkId, agentId, checkpoint, recoveryTimeout, subscriptionBackoffMax,
                    shutdownGracePeriod, reregistrationTimeout, partitionAware, taskKillingState, Optional.of(value),
                    extraEnvironment);
        }

        /** Variables the agent's own environment adds for its executors (it passes its environment on). */
        public Settings environment(Map<String, String> env) {
            return new Settings(workDir, frameworkId, agentId, checkpoint, recoveryTimeout, subscriptionBackoffMax,
                    shutdownGracePeriod, reregistrationTimeout, partitionAware, taskKillingState, token, env);
        }
    }

    /** A request as it arrived, the call when it parsed, and the status it got. */
    public record Received(String method, String path, Map<String, String> headers, Optional<Call> call, int status,
                           String answer) {
        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase()));
        }
    }

    private final Settings settings;
    private final int port;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-agent-http");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "fake-agent-timer");
        t.setDaemon(true);
        return t;
    });
    private final FakeAgentEndpoint endpoint;
    final Map<String, FakeAgentExecutor> executors = new LinkedHashMap<>();
    final Map<String, FakeAgentTask> tasks = new LinkedHashMap<>();
    final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private volatile HttpServer server;
    private volatile Phase phase = Phase.RUNNING;
    private boolean withholdAcknowledgements;
    private int runs;

    private FakeMesosAgent(Settings settings) throws IOException {
        this.settings = settings;
        this.endpoint = new FakeAgentEndpoint(this);
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    public static FakeMesosAgent start(Settings settings) {
        try {
            return new FakeMesosAgent(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Settings settings() {
        return settings;
    }

    /** {@code 127.0.0.1:port}, as MESOS_AGENT_ENDPOINT says it. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public Phase phase() {
        return phase;
    }

    // ---- what the test drives

    /** Launches the task on its executor, starting the executor first when it does not run. */
    public synchronized void launch(TaskInfo task) {
        if (!task.hasExecutor()) {
            throw new IllegalArgumentException("task " + task.getTaskId().getValue() + " names no executor");
        }
        String id = task.getTaskId().getValue();
        if (tasks.containsKey(id)) {
            throw new IllegalArgumentException("task " + id + " was launched before");
        }
        TaskInfo withAgent = task.toBuilder().setAgentId(AgentID.newBuilder().setValue(settings.agentId())).build();
        FakeAgentExecutor exec = executors.get(task.getExecutor().getExecutorId().getValue());
        if (exec == null || exec.terminated) {
            exec = launchExecutor(task.getExecutor());
        }
        FakeAgentTask t = new FakeAgentTask(withAgent);
        exec.tasks.put(id, t);
        tasks.put(id, t);
        deliver(exec);
    }

    /** The scheduler kills the task: KILL to its executor (with the grace period when given). */
    public synchronized void kill(String taskId, Optional<Duration> grace) {
        FakeAgentTask t = task(taskId);
        if (!t.delivered) {
            agentUpdate(t, TaskState.TASK_KILLED, TaskStatus.Reason.REASON_TASK_KILLED_DURING_LAUNCH,
                    "Killed before delivery to the executor");
            return;
        }
        Event.Kill.Builder kill = Event.Kill.newBuilder().setTaskId(t.info.getTaskId());
        grace.ifPresent(g -> kill.setKillPolicy(KillPolicy.newBuilder()
                .setGracePeriod(DurationInfo.newBuilder().setNanoseconds(g.toNanos()))));
        send(executors.get(t.executorId), Event.newBuilder().setType(Event.Type.KILL).setKill(kill).build());
    }

    /** SHUTDOWN to the executor; after its shutdown grace period the agent kills it if it still runs. */
    public synchronized void shutdown(String executorId) {
        FakeAgentExecutor exec = executors.get(executorId);
        send(exec, Event.newBuilder().setType(Event.Type.SHUTDOWN).build());
        timer.schedule(exec.child::destroy, shutdownGrace(exec.info).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The agent takes UPDATEs but sends no ACKNOWLEDGED (an agent that keeps failing to checkpoint). */
    public synchronized void withholdAcknowledgements(boolean on) {
        withholdAcknowledgements = on;
    }

    /**
     * Restarts the agent: every stream is dropped and the endpoint closes (connections are refused) for
     * {@code down}; it reopens on the same port answering 503 to everything for {@code unavailable}; then, for the
     * re-registration window, it takes SUBSCRIBE (other calls 503). Without checkpointing it forgets its executors.
     */
    public void restart(Duration down, Duration unavailable) {
        HttpServer old;
        synchronized (this) {
            phase = Phase.DOWN;
            for (FakeAgentExecutor e : executors.values()) {
                if (e.stream != null) {
                    e.stream.abort();
                    e.stream = null;
                }
                e.subscribedSinceRestart = false;
                e.forgotten = e.forgotten || !settings.checkpoint();
            }
            old = server;
        }
        old.stop(0);
        timer.schedule(() -> reopen(unavailable), down.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The executor's child process (its pid, exit, sandbox and log). */
    public ExecutorChild executor(String executorId) {
        synchronized (this) {
            FakeAgentExecutor e = executors.get(executorId);
            if (e == null) {
                throw new IllegalArgumentException("no executor " + executorId);
            }
            return e.child;
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

    /** Every update the agent took for the task, in order (its own and the executor's), each uuid once. */
    public synchronized List<TaskStatus> updates(String taskId) {
        return List.copyOf(task(taskId).updates);
    }

    public synchronized List<TaskState> states(String taskId) {
        return task(taskId).updates.stream().map(TaskStatus::getState).toList();
    }

    public synchronized Optional<TaskState> state(String taskId) {
        FakeAgentTask t = tasks.get(taskId);
        return t == null ? Optional.empty() : Optional.of(t.state);
    }

    public synchronized boolean subscribed(String executorId) {
        FakeAgentExecutor e = executors.get(executorId);
        return e != null && e.stream != null && !e.stream.over();
    }

    public synchronized int subscriptions(String executorId) {
        FakeAgentExecutor e = executors.get(executorId);
        return e == null ? 0 : e.subscriptions;
    }

    /** The update of the task the master has to forward now: the first the scheduler has not acknowledged. */
    public synchronized Optional<TaskStatus> nextForScheduler(String taskId) {
        return task(taskId).nextForScheduler();
    }

    /** The scheduler acknowledged {@code uuid}; the task's next update becomes the master's. False if not the head. */
    public synchronized boolean schedulerAcknowledged(String taskId, ByteString uuid) {
        return task(taskId).schedulerAcknowledged(uuid);
    }

    @Override
    public void close() {
        List<ExecutorChild> children;
        synchronized (this) {
            executors.values().stream().filter(e -> e.stream != null).forEach(e -> e.stream.abort());
            children = executors.values().stream().map(e -> e.child).toList();
        }
        children.forEach(ExecutorChild::destroy);
        server.stop(0);
        timer.shutdownNow();
        handlers.shutdownNow();
    }

    // ---- used by the endpoint, under this lock

    synchronized Optional<FakeAgentExecutor> executorFor(Call call) {
        return Optional.ofNullable(executors.get(call.getExecutorId().getValue())).filter(e -> !e.forgotten);
    }

    boolean withholding() {
        return withholdAcknowledgements;
    }

    /** A SUBSCRIBE the endpoint accepted: the previous stream ends, unacknowledged updates are taken, LAUNCHes go. */
    synchronized void subscribed(FakeAgentExecutor exec, Call.Subscribe subscribe, AgentEventStream stream) {
        if (exec.stream != null) {
            exec.stream.end();
        }
        exec.stream = stream;
        exec.registered = true;
        exec.subscribedSinceRestart = true;
        exec.subscriptions++;
        List<Call.Update> replayed = subscribe.getUnacknowledgedUpdatesList();
        for (Call.Update u : replayed) {
            FakeAgentTask t = tasks.get(u.getStatus().getTaskId().getValue());
            if (t != null) {
                t.take(u.getStatus().toBuilder().setAgentId(AgentID.newBuilder().setValue(settings.agentId())).build());
            }
        }
        if (phase == Phase.REREGISTERING) {
            Set<String> listed = subscribe.getUnacknowledgedTasksList().stream().map(t -> t.getTaskId().getValue())
                    .collect(Collectors.toSet());
            for (FakeAgentTask t : exec.tasks.values()) {
                if (t.state == TaskState.TASK_STAGING && !listed.contains(t.id())) {
                    agentUpdate(t, settings.partitionAware() ? TaskState.TASK_DROPPED : TaskState.TASK_LOST,
                            TaskStatus.Reason.REASON_AGENT_RESTARTED, "Task launched during agent restart");
                }
            }
        }
        stream.send(Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setExecutorInfo(exec.info)
                .setFrameworkInfo(frameworkInfo())
                .setAgentInfo(AgentInfo.newBuilder().setHostname("fake-agent")
                        .setId(AgentID.newBuilder().setValue(settings.agentId())))
                .setContainerId(ContainerID.newBuilder().setValue(UUID.randomUUID().toString()))).build());
        if (!withholdAcknowledgements) {
            for (Call.Update u : replayed) {
                stream.send(acknowledged(u.getStatus()));
            }
        }
        deliver(exec);
    }

    /** An UPDATE the endpoint accepted: taken once per uuid, acknowledged on the executor's stream every time. */
    synchronized void updated(FakeAgentExecutor exec, TaskStatus status) {
        FakeAgentTask t = tasks.get(status.getTaskId().getValue());
        if (t != null) {
            t.take(status.toBuilder().setAgentId(AgentID.newBuilder().setValue(settings.agentId())).build());
        }
        if (!withholdAcknowledgements && exec.stream != null) {
            exec.stream.send(acknowledged(status));
        }
    }

    // ---- internals

    private FakeAgentExecutor launchExecutor(ExecutorInfo info) {
        String id = info.getExecutorId().getValue();
        Path sandbox = settings.workDir().resolve("executors").resolve(id).resolve("runs").resolve("run-" + (++runs));
        Map<String, String> env = new LinkedHashMap<>(settings.extraEnvironment());
        env.put("MESOS_FRAMEWORK_ID", settings.frameworkId());
        env.put("MESOS_EXECUTOR_ID", id);
        env.put("MESOS_AGENT_ENDPOINT", endpoint());
        env.put("MESOS_SLAVE_ID", settings.agentId());
        env.put("MESOS_SLAVE_PID", "slave(1)@" + endpoint());
        env.put("MESOS_DIRECTORY", sandbox.toString());
        env.put("MESOS_SANDBOX", sandbox.toString());
        env.put("MESOS_CHECKPOINT", settings.checkpoint() ? "1" : "0");
        env.put("MESOS_HTTP_COMMAND_EXECUTOR", "0");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", StoutFormat.format(shutdownGrace(info)));
        if (settings.checkpoint()) {
            env.put("MESOS_RECOVERY_TIMEOUT", StoutFormat.format(settings.recoveryTimeout()));
            env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", StoutFormat.format(settings.subscriptionBackoffMax()));
        }
        settings.token().ifPresent(t -> env.put("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", t));
        env.put("LIBPROCESS_PORT", "0");
        ExecutorChild child = ExecutorChild.start(id, info.getCommand(), sandbox, env);
        FakeAgentExecutor exec = new FakeAgentExecutor(info.toBuilder()
                .setFrameworkId(FrameworkID.newBuilder().setValue(settings.frameworkId())).build(), child);
        executors.put(id, exec);
        child.onExit().thenRun(() -> exited(exec));
        return exec;
    }

    private Duration shutdownGrace(ExecutorInfo info) {
        return info.hasShutdownGracePeriod() ? Duration.ofNanos(info.getShutdownGracePeriod().getNanoseconds())
                : settings.shutdownGracePeriod();
    }

    private synchronized void exited(FakeAgentExecutor exec) {
        exec.terminated = true;
        if (exec.stream != null) {
            exec.stream.end();
            exec.stream = null;
        }
        for (FakeAgentTask t : exec.tasks.values()) {
            if (!t.terminal()) {
                agentUpdate(t, settings.partitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST,
                        TaskStatus.Reason.REASON_EXECUTOR_TERMINATED, "Executor terminated");
            }
        }
    }

    private void deliver(FakeAgentExecutor exec) {
        if (exec.stream == null || phase != Phase.RUNNING && phase != Phase.REREGISTERING) {
            return;
        }
        for (FakeAgentTask t : exec.tasks.values()) {
            if (!t.delivered && t.state == TaskState.TASK_STAGING) {
                t.delivered = exec.stream.send(Event.newBuilder().setType(Event.Type.LAUNCH)
                        .setLaunch(Event.Launch.newBuilder().setTask(t.info)).build());
            }
        }
    }

    private void send(FakeAgentExecutor exec, Event event) {
        if (exec != null && exec.stream != null) {
            exec.stream.send(event);
        }
    }

    private void agentUpdate(FakeAgentTask t, TaskState state, TaskStatus.Reason reason, String message) {
        UUID u = UUID.randomUUID();
        t.take(TaskStatus.newBuilder().setTaskId(t.info.getTaskId()).setState(state)
                .setSource(TaskStatus.Source.SOURCE_AGENT).setReason(reason).setMessage(message)
                .setAgentId(AgentID.newBuilder().setValue(settings.agentId()))
                .setExecutorId(t.info.getExecutor().getExecutorId())
                .setTimestamp(System.currentTimeMillis() / 1000.0)
                .setUuid(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                        .putLong(u.getLeastSignificantBits()).array())).build());
    }

    private FrameworkInfo frameworkInfo() {
        FrameworkInfo.Builder f = FrameworkInfo.newBuilder().setUser("root").setName("lunpool")
                .setId(FrameworkID.newBuilder().setValue(settings.frameworkId())).setCheckpoint(settings.checkpoint());
        if (settings.taskKillingState()) {
            f.addCapabilities(FrameworkInfo.Capability.newBuilder()
                    .setType(FrameworkInfo.Capability.Type.TASK_KILLING_STATE));
        }
        if (settings.partitionAware()) {
            f.addCapabilities(FrameworkInfo.Capability.newBuilder()
                    .setType(FrameworkInfo.Capability.Type.PARTITION_AWARE));
        }
        return f.build();
    }

    private static Event acknowledged(TaskStatus status) {
        return Event.newBuilder().setType(Event.Type.ACKNOWLEDGED).setAcknowledged(Event.Acknowledged.newBuilder()
                .setTaskId(status.getTaskId()).setUuid(status.getUuid())).build();
    }

    private FakeAgentTask task(String taskId) {
        FakeAgentTask t = tasks.get(taskId);
        if (t == null) {
            throw new IllegalArgumentException("no task " + taskId + " on the fake agent");
        }
        return t;
    }

    private void reopen(Duration unavailable) {
        try {
            server = bind(port);
        } catch (IOException e) {
            throw new UncheckedIOException("the fake agent cannot listen on its port " + port + " again", e);
        }
        if (unavailable.isZero()) {
            reregistering();
        } else {
            phase = Phase.UNAVAILABLE;
            timer.schedule(this::reregistering, unavailable.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reregistering() {
        phase = Phase.REREGISTERING;
        timer.schedule(this::recovered, settings.reregistrationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The window is over: executors that did not come back are killed, their tasks gone. */
    private void recovered() {
        List<ExecutorChild> late = new ArrayList<>();
        synchronized (this) {
            phase = Phase.RUNNING;
            for (FakeAgentExecutor e : executors.values()) {
                if (!e.terminated && !e.forgotten && !e.subscribedSinceRestart) {
                    late.add(e.child);
                    for (FakeAgentTask t : e.tasks.values()) {
                        if (!t.terminal()) {
                            agentUpdate(t, settings.partitionAware() ? TaskState.TASK_GONE : TaskState.TASK_LOST,
                                    TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT,
                                    "Executor did not re-register within " + settings.reregistrationTimeout());
                        }
                    }
                }
                if (e.stream != null) {
                    deliver(e);
                }
            }
        }
        late.forEach(ExecutorChild::destroy);
    }

    private HttpServer bind(int at) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", at), 64);
                s.setExecutor(handlers);
                s.createContext("/", endpoint::route);
                s.start();
                return s;
            } catch (BindException e) {
                if (attempt >= 50) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
