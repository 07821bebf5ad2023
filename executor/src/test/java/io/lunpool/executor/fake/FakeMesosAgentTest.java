package io.lunpool.executor.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.lunpool.backend.plugin.Await;
import io.lunpool.executor.mesos.StoutDuration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fake agent's conformance (FA-01 to FA-03) against hand-written executors over real HTTP: the executor a task
 * names is a real child process (a shell command here), and a {@link RawExecutorClient} speaks for it.
 */
@Timeout(120)
class FakeMesosAgentTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Path dir = tempDir();
    private FakeMesosAgent agent;

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("lunpool-fake-agent-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void closeAndClean() throws IOException {
        if (agent != null) {
            agent.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static TaskInfo sleeper(String taskId, String executorId) {
        return TaskInfos.task(taskId, TaskInfos.executor(executorId, "exec sleep 300", Map.of()), new byte[0],
                Map.of());
    }

    private RawExecutorClient raw(String executorId) {
        return new RawExecutorClient(agent.endpoint(), agent.settings().frameworkId(), executorId);
    }

    @Test
    void fa01_theExecutorApiAnswersWithTheAgentsStatusCodesInItsOrder() {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir));
        agent.launch(sleeper("t1", "e1"));
        RawExecutorClient e1 = raw("e1");
        Call heartbeat = e1.call(Call.Type.HEARTBEAT).build();
        byte[] json = RawExecutorClient.print(heartbeat);

        assertThat(e1.send("GET", "/api/v1/executor", Map.of(), new byte[0]).status()).isEqualTo(405);
        assertThat(e1.send("POST", "/api/v1/executor", Map.of(), json).body())
                .isEqualTo("Expecting 'Content-Type' to be present");
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "text/plain"), json).status())
                .isEqualTo(415);
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "application/json; charset=utf-8"),
                json).status()).as("parameters make another media type").isEqualTo(415);
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "application/json"),
                "{\"type\":".getBytes(StandardCharsets.UTF_8)).body()).startsWith("Failed to parse body into JSON");
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "application/x-protobuf"),
                new byte[] {(byte) 0xff, 1, 2}).body()).isEqualTo("Failed to parse body into Call protobuf");
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "application/json"),
                ("{\"type\":\"HEARTBEAT\",\"executorId\":{\"value\":\"e1\"},\"frameworkId\":{\"value\":\""
                        + agent.settings().frameworkId() + "\"}}").getBytes(StandardCharsets.UTF_8)).body())
                .as("camelCase keys are dropped, as stout does").contains("Missing required fields");
        assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_RUNNING, ByteString.copyFromUtf8("abc"))))
                .body()).contains("Not a valid UUID");
        assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_RUNNING, RawExecutorClient.uuid()).toBuilder()
                .setStatus(e1.status("t1", TaskState.TASK_RUNNING, RawExecutorClient.uuid()).getStatus().toBuilder()
                        .setSource(TaskStatus.Source.SOURCE_AGENT)).build())).body()).contains("invalid source");
        assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_STAGING, RawExecutorClient.uuid()))).body())
                .contains("Received TASK_STAGING");
        assertThat(e1.json(heartbeat).status()).as("HEARTBEAT before any lookup").isEqualTo(202);
        assertThat(e1.send("POST", "/slave(1)/api/v1/executor", Map.of("Content-Type", "application/json"), json)
                .status()).isEqualTo(202);
        assertThat(e1.send("POST", "/api/v1/elsewhere", Map.of("Content-Type", "application/json"), json).status())
                .isEqualTo(404);
        assertThat(new RawExecutorClient(agent.endpoint(), "other-0000", "e1").json(
                new RawExecutorClient(agent.endpoint(), "other-0000", "e1").call(Call.Type.MESSAGE)
                        .setMessage(Call.Message.newBuilder().setData(ByteString.copyFromUtf8("x"))).build()).body())
                .isEqualTo("Framework cannot be found");
        assertThat(raw("e9").json(raw("e9").update(raw("e9").status("t1", TaskState.TASK_RUNNING,
                RawExecutorClient.uuid()))).body()).isEqualTo("Executor cannot be found");
        assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_RUNNING, RawExecutorClient.uuid()))).status())
                .as("UPDATE before SUBSCRIBE").isEqualTo(403);
        assertThat(e1.openStream(e1.subscribe(List.of(), List.of()), "text/html").status()).isEqualTo(406);

        RawExecutorClient.Answer opened = e1.openStream(e1.subscribe(List.of(), List.of()), null);
        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.headers().get("content-type")).as("no Accept: JSON").containsExactly("application/json");
        Event subscribed = e1.next(WAIT);
        assertThat(subscribed.getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(subscribed.getSubscribed().getFrameworkInfo().getId().getValue())
                .isEqualTo(agent.settings().frameworkId());
        Event launch = e1.next(WAIT);
        assertThat(launch.getType()).isEqualTo(Event.Type.LAUNCH);
        assertThat(launch.getLaunch().getTask().getTaskId().getValue()).isEqualTo("t1");
        e1.close();
    }

    @Test
    void fa01_everyUpdateIsAcknowledgedAndTheMasterGetsOneAtATimePerTask() {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir));
        agent.launch(sleeper("t1", "e1"));
        try (RawExecutorClient e1 = raw("e1")) {
            e1.openStream(e1.subscribe(List.of(), List.of()), "application/json");
            assertThat(e1.next(WAIT).getType()).isEqualTo(Event.Type.SUBSCRIBED);
            assertThat(e1.next(WAIT).getType()).isEqualTo(Event.Type.LAUNCH);
            ByteString starting = RawExecutorClient.uuid();
            ByteString running = RawExecutorClient.uuid();

            assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_STARTING, starting))).status())
                    .isEqualTo(202);
            assertThat(acknowledged(e1.next(WAIT))).isEqualTo("t1 " + b64(starting));
            assertThat(e1.protobuf(e1.update(e1.status("t1", TaskState.TASK_STARTING, starting))).status())
                    .as("a duplicate").isEqualTo(202);
            assertThat(acknowledged(e1.next(WAIT))).as("acknowledged again").isEqualTo("t1 " + b64(starting));
            e1.json(e1.update(e1.status("t1", TaskState.TASK_RUNNING, running)));
            assertThat(acknowledged(e1.next(WAIT))).isEqualTo("t1 " + b64(running));

            assertThat(agent.states("t1")).as("a duplicate is kept once")
                    .containsExactly(TaskState.TASK_STARTING, TaskState.TASK_RUNNING);
            assertThat(agent.nextForScheduler("t1").orElseThrow().getUuid()).isEqualTo(starting);
            assertThat(agent.schedulerAcknowledged("t1", running)).as("not the head").isFalse();
            assertThat(agent.nextForScheduler("t1").orElseThrow().getUuid()).isEqualTo(starting);
            assertThat(agent.schedulerAcknowledged("t1", starting)).isTrue();
            assertThat(agent.nextForScheduler("t1").orElseThrow().getState()).isEqualTo(TaskState.TASK_RUNNING);
            assertThat(agent.nextForScheduler("t1").orElseThrow().getAgentId().getValue())
                    .isEqualTo(agent.settings().agentId());
            assertThat(agent.schedulerAcknowledged("t1", running)).isTrue();
            assertThat(agent.nextForScheduler("t1")).isEmpty();
        }
    }

    @Test
    void fa01_withExecutorAuthenticationTheTokenIsRequired() {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir).token("s3cr3t"));
        agent.launch(sleeper("t1", "e1"));
        RawExecutorClient e1 = raw("e1");
        byte[] subscribe = RawExecutorClient.print(e1.subscribe(List.of(), List.of()));

        RawExecutorClient.Answer refused = e1.send("POST", "/api/v1/executor", Map.of("Content-Type",
                "application/json", "Authorization", "Bearer wrong"), subscribe);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.headers().get("www-authenticate")).isNotEmpty();
        assertThat(e1.send("POST", "/api/v1/executor", Map.of("Content-Type", "application/json", "Accept",
                "application/x-protobuf;q=0.5, text/html", "Authorization", "Bearer s3cr3t"), RawExecutorClient.print(
                e1.call(Call.Type.HEARTBEAT).build())).status()).isEqualTo(202);
    }

    @Test
    void fa02_aRestartClosesStreamsRefusesThen503sTakesReSubscriptionsDropsUnlistedTasksAndKillsLateExecutors() {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir)
                .recovery(Duration.ofMinutes(15), Duration.ofSeconds(2), Duration.ofSeconds(3)));
        agent.launch(sleeper("t1", "e1"));
        agent.launch(sleeper("t3", "e2"));
        RawExecutorClient e1 = raw("e1");
        e1.openStream(e1.subscribe(List.of(), List.of()), "application/json");
        assertThat(e1.next(WAIT).getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(e1.next(WAIT).getType()).isEqualTo(Event.Type.LAUNCH);
        ByteString running = RawExecutorClient.uuid();
        e1.json(e1.update(e1.status("t1", TaskState.TASK_RUNNING, running)));
        assertThat(acknowledged(e1.next(WAIT))).isEqualTo("t1 " + b64(running));
        agent.launch(sleeper("t2", "e1"));
        assertThat(e1.next(WAIT).getLaunch().getTask().getTaskId().getValue()).isEqualTo("t2");
        ExecutorChild late = agent.executor("e2");

        agent.restart(Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThat(e1.awaitEnd(WAIT)).as("the stream ends with the agent").isNotEmpty();
        Await.until("the agent is down", WAIT, () -> agent.phase() == FakeMesosAgent.Phase.DOWN);
        assertThatThrownBy(() -> e1.json(e1.call(Call.Type.HEARTBEAT).build()))
                .as("connections are refused while the agent is down").isInstanceOf(UncheckedIOException.class);
        Await.until("the agent recovers", WAIT, () -> agent.phase() == FakeMesosAgent.Phase.UNAVAILABLE);
        assertThat(e1.json(e1.subscribe(List.of(), List.of())).status()).isEqualTo(503);
        Await.until("executors may re-register", WAIT, () -> agent.phase() == FakeMesosAgent.Phase.REREGISTERING);
        assertThat(e1.json(e1.update(e1.status("t1", TaskState.TASK_FINISHED, RawExecutorClient.uuid()))).status())
                .as("only SUBSCRIBE while executors re-register").isEqualTo(503);
        ByteString finished = RawExecutorClient.uuid();
        Call.Update unacknowledged = e1.status("t1", TaskState.TASK_FINISHED, finished);
        assertThat(e1.openStream(e1.subscribe(List.of(), List.of(unacknowledged)), "application/json").status())
                .isEqualTo(200);
        assertThat(e1.next(WAIT).getType()).isEqualTo(Event.Type.SUBSCRIBED);
        assertThat(acknowledged(e1.next(WAIT))).as("the replayed update is acknowledged").isEqualTo("t1 " + b64(finished));
        Await.until("the window is over", WAIT, () -> agent.phase() == FakeMesosAgent.Phase.RUNNING);

        assertThat(agent.states("t1")).containsExactly(TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
        assertThat(agent.updates("t2")).singleElement().satisfies(s -> {
            assertThat(s.getState()).as("STAGING and not listed").isEqualTo(TaskState.TASK_DROPPED);
            assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_AGENT);
            assertThat(s.getUuid().size()).isEqualTo(16);
        });
        Await.until("the late executor is killed", WAIT, () -> !late.isAlive());
        assertThat(late.killedByAgent()).isTrue();
        assertThat(agent.updates("t3")).singleElement().satisfies(s -> {
            assertThat(s.getState()).isEqualTo(TaskState.TASK_GONE);
            assertThat(s.getReason()).isEqualTo(TaskStatus.Reason.REASON_EXECUTOR_REREGISTRATION_TIMEOUT);
        });
        assertThat(agent.executor("e1").isAlive()).as("the executor that came back runs on").isTrue();
        assertThat(agent.subscriptions("e1")).isEqualTo(2);
        e1.close();
    }

    @Test
    void fa03_executorsGetTheAgentsEnvironmentWithStoutDurations() throws Exception {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir).token("tkn")
                .recovery(Duration.ofMinutes(15), Duration.ofMillis(1500), Duration.ofSeconds(2)));
        String dump = "env > \"$MESOS_SANDBOX/env.txt\"; exec sleep 300";
        agent.launch(TaskInfos.task("t1", TaskInfos.withShutdownGrace(TaskInfos.executor("e1", dump,
                Map.of("LUNPOOL_BACKEND_SOCKET", "/run/x.sock")), Duration.ofMillis(7500)), new byte[0], Map.of()));
        Path file = agent.executor("e1").sandbox().resolve("env.txt");
        Await.until("the executor wrote its environment", WAIT, () -> Files.exists(file) && lines(file).size() > 5);
        Map<String, String> env = lines(file).stream().filter(l -> l.contains("="))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> b));

        assertThat(env).containsEntry("MESOS_FRAMEWORK_ID", agent.settings().frameworkId())
                .containsEntry("MESOS_EXECUTOR_ID", "e1")
                .containsEntry("MESOS_AGENT_ENDPOINT", agent.endpoint())
                .containsEntry("MESOS_SLAVE_ID", agent.settings().agentId())
                .containsEntry("MESOS_SLAVE_PID", "slave(1)@" + agent.endpoint())
                .containsEntry("MESOS_SANDBOX", agent.executor("e1").sandbox().toString())
                .containsEntry("MESOS_DIRECTORY", agent.executor("e1").sandbox().toString())
                .containsEntry("MESOS_CHECKPOINT", "1")
                .containsEntry("MESOS_HTTP_COMMAND_EXECUTOR", "0")
                .containsEntry("MESOS_RECOVERY_TIMEOUT", "15mins")
                .containsEntry("MESOS_SUBSCRIPTION_BACKOFF_MAX", "1.5secs")
                .containsEntry("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "7.5secs")
                .containsEntry("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "tkn")
                .containsEntry("LUNPOOL_BACKEND_SOCKET", "/run/x.sock");
        assertThat(StoutDuration.parse(env.get("MESOS_SUBSCRIPTION_BACKOFF_MAX"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(StoutDuration.parse(env.get("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD")))
                .isEqualTo(Duration.ofMillis(7500));
    }

    @Test
    void fa03_withoutCheckpointingTheRecoveryVariablesAreLeftOut() throws Exception {
        agent = FakeMesosAgent.start(FakeMesosAgent.Settings.defaults(dir).checkpoint(false));
        agent.launch(TaskInfos.task("t1", TaskInfos.executor("e1", "env > \"$MESOS_SANDBOX/env.txt\"; exec sleep 300",
                Map.of()), new byte[0], Map.of()));
        Path file = agent.executor("e1").sandbox().resolve("env.txt");
        Await.until("the executor wrote its environment", WAIT, () -> Files.exists(file) && lines(file).size() > 5);

        assertThat(lines(file)).contains("MESOS_CHECKPOINT=0", "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=5secs")
                .noneMatch(l -> l.startsWith("MESOS_RECOVERY_TIMEOUT=") || l.startsWith("MESOS_SUBSCRIPTION_BACKOFF_MAX="));
    }

    private static String acknowledged(Event e) {
        assertThat(e.getType()).isEqualTo(Event.Type.ACKNOWLEDGED);
        return e.getAcknowledged().getTaskId().getValue() + " " + b64(e.getAcknowledged().getUuid());
    }

    private static String b64(ByteString uuid) {
        return java.util.Base64.getEncoder().encodeToString(uuid.toByteArray());
    }

    private static List<String> lines(Path file) {
        try {
            return Arrays.asList(Files.readString(file).split("\n"));
        } catch (IOException e) {
            return List.of();
        }
    }
}
