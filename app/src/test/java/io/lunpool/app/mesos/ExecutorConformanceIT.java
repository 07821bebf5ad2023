package io.lunpool.app.mesos;

import static org.apache.mesos.v1.Protos.TaskState.TASK_ERROR;
import static org.apache.mesos.v1.Protos.TaskState.TASK_FAILED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_FINISHED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_KILLED;
import static org.apache.mesos.v1.Protos.TaskState.TASK_KILLING;
import static org.apache.mesos.v1.Protos.TaskState.TASK_RUNNING;
import static org.apache.mesos.v1.Protos.TaskState.TASK_STARTING;
import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.executor.fake.FakeMesosAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The executor's conformance (EX-01 to EX-07): the product jar's {@code executor} command as a real child process
 * of the fake agent, running command tasks without volumes (no backend needed).
 */
@Timeout(300)
class ExecutorConformanceIT {
    private static final Duration WAIT = ExecutorFixture.WAIT;

    @Test
    void ex01_aBadDurationInItsEnvironmentStopsTheExecutorNamingTheVariable() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s)) {
            f.env("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5s");
            f.launchCommand("t1", "e1", "true");

            assertThat(f.awaitExit("e1")).isEqualTo(2);
            assertThat(f.log("e1")).contains("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5s' has the unknown duration"
                    + " unit 's'");
            assertThat(f.agent.received()).as("it never called the agent").isEmpty();
        }
    }

    @Test
    void ex02_subscribesAtOnceAndEveryCallCarriesTheExecutorAndFrameworkIds() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s)) {
            f.launchCommand("t1", "e1", "true");
            f.awaitState("t1", "e1", TASK_FINISHED);

            List<FakeMesosAgent.Received> calls = f.agent.received();
            assertThat(calls.get(0).call().orElseThrow().getType()).as("the first call").isEqualTo(Call.Type.SUBSCRIBE);
            assertThat(calls.get(0).status()).isEqualTo(200);
            assertThat(calls).allSatisfy(r -> {
                Call c = r.call().orElseThrow();
                assertThat(c.getExecutorId().getValue()).isEqualTo("e1");
                assertThat(c.getFrameworkId().getValue()).isEqualTo(f.agent.settings().frameworkId());
                assertThat(r.header("Content-Type")).contains("application/x-protobuf");
            });
            assertThat(calls.get(0).call().orElseThrow().getSubscribe().getUnacknowledgedTasksCount()).isZero();
        }
    }

    @Test
    void ex03_eachUpdateHasAFreshUuidAndIsKeptUntilTheAgentAcknowledgesIt() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.recovery(Duration.ofMinutes(5), Duration.ofMillis(500),
                Duration.ofSeconds(10)))) {
            f.agent.withholdAcknowledgements(true);
            f.launchCommand("t1", "e1", "true");
            f.awaitState("t1", "e1", TASK_FINISHED);

            List<TaskStatus> sent = f.agent.updates("t1");
            assertThat(sent).extracting(TaskStatus::getState).containsExactly(TASK_STARTING, TASK_RUNNING,
                    TASK_FINISHED);
            Set<Object> uuids = new HashSet<>();
            assertThat(sent).allSatisfy(s -> {
                assertThat(s.getUuid().size()).isEqualTo(16);
                assertThat(uuids.add(s.getUuid())).as("a fresh uuid").isTrue();
                assertThat(s.getSource()).isEqualTo(TaskStatus.Source.SOURCE_EXECUTOR);
                assertThat(s.getExecutorId().getValue()).isEqualTo("e1");
            });
            assertThat(f.agent.executor("e1").isAlive()).as("it waits for the acknowledgements").isTrue();

            f.agent.withholdAcknowledgements(false);
            f.agent.restart(Duration.ofMillis(500), Duration.ZERO);
            f.await("the executor subscribes again", () -> f.agent.subscriptions("e1") == 2, "e1");

            Call.Subscribe again = f.agent.received(Call.Type.SUBSCRIBE).stream()
                    .filter(r -> r.status() == 200).skip(1).findFirst().orElseThrow().call().orElseThrow()
                    .getSubscribe();
            assertThat(again.getUnacknowledgedUpdatesList()).extracting(u -> u.getStatus().getUuid())
                    .containsExactlyElementsOf(sent.stream().map(TaskStatus::getUuid).toList());
            assertThat(again.getUnacknowledgedTasksList()).extracting(t -> t.getTaskId().getValue())
                    .containsExactly("t1");
            assertThat(f.awaitExit("e1")).as("done once the replayed updates are acknowledged").isZero();
            assertThat(f.agent.updates("t1")).as("the replay added nothing").hasSize(3);
        }
    }

    @Test
    void ex04_aTaskStartsRunsAndEndsAndAKillGoesThroughKillingToKilledWithinItsGrace() throws Exception {
        try (ExecutorFixture f = new ExecutorFixture(s -> s)) {
            f.launchCommand("ok", "e1", "true");
            f.launchCommand("bad", "e1", "exit 3");
            f.launchCommand("stubborn", "e1", "trap '' TERM; echo $$ > stubborn.pid; while true; do sleep 1; done");
            f.launch("invalid", "e1", "{\"kind\":\"serve\"}", Map.of());
            f.awaitState("ok", "e1", TASK_FINISHED);
            f.awaitState("bad", "e1", TASK_FAILED);
            f.awaitState("stubborn", "e1", TASK_RUNNING);
            f.awaitState("invalid", "e1", TASK_ERROR);
            Path pidFile = f.agent.executor("e1").sandbox().resolve("stubborn.pid");
            f.await("the stubborn command wrote its pid", () -> Files.exists(pidFile), "e1");

            f.agent.kill("stubborn", Optional.of(Duration.ofSeconds(2)));
            f.awaitState("stubborn", "e1", TASK_KILLED);

            assertThat(f.agent.states("ok")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FINISHED);
            assertThat(f.messages("bad")).last().asString().contains("the command ended with exit code 3");
            assertThat(f.agent.states("stubborn")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_KILLING,
                    TASK_KILLED);
            assertThat(f.messages("invalid")).singleElement().asString().contains("kind 'serve'");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                    .as("the command that ignored SIGTERM got SIGKILL").isFalse();
        }
    }

    @Test
    void ex04_withoutTaskKillingStateAKillGoesStraightToKilled() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.taskKillingState(false))) {
            f.launchCommand("t1", "e1", "exec sleep 300");
            f.awaitState("t1", "e1", TASK_RUNNING);

            f.agent.kill("t1", Optional.empty());
            f.awaitState("t1", "e1", TASK_KILLED);

            assertThat(f.agent.states("t1")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_KILLED);
        }
    }

    @Test
    void ex05_withCheckpointingTheTaskOutlivesAnAgentRestartAndTheExecutorSubscribesAgain() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.recovery(Duration.ofMinutes(5), Duration.ofMillis(700),
                Duration.ofSeconds(10)))) {
            f.launchCommand("t1", "e1", "exec sleep 300");
            f.awaitState("t1", "e1", TASK_RUNNING);
            f.await("every update acknowledged", () -> f.log("e1").contains("TASK_RUNNING"), "e1");

            f.agent.restart(Duration.ofSeconds(2), Duration.ofSeconds(2));
            f.await("the executor subscribes again", () -> f.agent.subscriptions("e1") == 2, "e1");

            assertThat(f.agent.received(Call.Type.SUBSCRIBE)).as("it retried through the 503s")
                    .anyMatch(r -> r.status() == 503);
            f.await("the agent's window is over", () -> f.agent.phase() == FakeMesosAgent.Phase.RUNNING, "e1");
            assertThat(f.agent.executor("e1").killedByAgent()).isFalse();
            assertThat(f.agent.state("t1")).as("the task ran on").contains(TASK_RUNNING);
            f.agent.kill("t1", Optional.empty());
            f.awaitState("t1", "e1", TASK_KILLED);
            assertThat(f.awaitExit("e1")).isZero();
        }
    }

    @Test
    void ex05_withCheckpointingTheExecutorKillsItsTasksAndExitsAfterTheRecoveryTimeout() throws IOException {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.recovery(Duration.ofSeconds(3), Duration.ofMillis(500),
                Duration.ofSeconds(2)))) {
            f.launchCommand("t1", "e1", "echo $$ > t1.pid; exec sleep 300");
            f.awaitState("t1", "e1", TASK_RUNNING);
            Path pidFile = f.agent.executor("e1").sandbox().resolve("t1.pid");
            f.await("the command wrote its pid", () -> Files.exists(pidFile), "e1");

            f.agent.restart(Duration.ofMinutes(5), Duration.ZERO);

            assertThat(f.awaitExit("e1")).isEqualTo(1);
            assertThat(f.log("e1")).contains("the agent did not come back within the recovery timeout");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void ex05_withoutCheckpointingTheExecutorShutsDownWhenTheAgentGoes() throws IOException {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.checkpoint(false))) {
            f.launchCommand("t1", "e1", "echo $$ > t1.pid; exec sleep 300");
            f.awaitState("t1", "e1", TASK_RUNNING);
            Path pidFile = f.agent.executor("e1").sandbox().resolve("t1.pid");
            f.await("the command wrote its pid", () -> Files.exists(pidFile), "e1");

            f.agent.restart(Duration.ofMinutes(5), Duration.ZERO);

            assertThat(f.awaitExit("e1")).isEqualTo(1);
            assertThat(f.log("e1")).contains("the framework does not checkpoint");
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void ex06_shutdownKillsEveryTaskReportsThemKilledAndExitsBeforeTheGracePeriod() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s.shutdownGracePeriod(Duration.ofSeconds(8)))) {
            f.launchCommand("t1", "e1", "exec sleep 300");
            f.launchCommand("t2", "e1", "trap '' TERM; while true; do sleep 1; done");
            f.awaitState("t1", "e1", TASK_RUNNING);
            f.awaitState("t2", "e1", TASK_RUNNING);

            f.agent.shutdown("e1");

            assertThat(f.awaitExit("e1")).isZero();
            assertThat(f.agent.executor("e1").killedByAgent()).as("it exited before the agent had to kill it")
                    .isFalse();
            assertThat(f.agent.state("t1")).contains(TASK_KILLED);
            assertThat(f.agent.state("t2")).contains(TASK_KILLED);
            assertThat(f.log("e1")).contains("every task ended and the agent acknowledged every update");
        }
    }

    @Test
    void ex07_exitsOnceTheLastTerminalUpdateIsAcknowledged() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s)) {
            f.launchCommand("t1", "e1", "true");

            assertThat(f.awaitExit("e1")).isZero();
            assertThat(f.agent.states("t1")).containsExactly(TASK_STARTING, TASK_RUNNING, TASK_FINISHED);
            assertThat(f.log("e1")).contains("every task ended and the agent acknowledged every update");
        }
    }

    @Test
    void ex07_exitsAnywayAfterTheFailSafeWhenAcknowledgementsNeverCome() {
        try (ExecutorFixture f = new ExecutorFixture(s -> s)) {
            f.agent.withholdAcknowledgements(true);
            f.env("LUNPOOL_EXECUTOR_EXIT_TIMEOUT", "2secs");
            f.launchCommand("t1", "e1", "true");

            assertThat(f.awaitExit("e1")).isZero();
            assertThat(f.log("e1")).contains("update(s) were not acknowledged within PT2S");
            assertThat(f.agent.executor("e1").killedByAgent()).isFalse();
        }
    }
}
