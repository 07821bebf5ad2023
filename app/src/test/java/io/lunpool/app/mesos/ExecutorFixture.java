package io.lunpool.app.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.plugin.Await;
import io.lunpool.executor.fake.ExecutorChild;
import io.lunpool.executor.fake.FakeMesosAgent;
import io.lunpool.executor.fake.TaskInfos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;

/**
 * A fake Mesos agent whose executor is the product jar's {@code executor} command, a real child process: tasks are
 * launched on it as a scheduler would, and the test watches the agent. Everything lives under one temp dir (the
 * agent's sandboxes), removed on close after the agent has killed what still runs. A failed wait prints the
 * executor's log.
 */
final class ExecutorFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);
    final Path dir;
    final FakeMesosAgent agent;
    private final Map<String, String> executorEnvironment = new LinkedHashMap<>();

    ExecutorFixture(UnaryOperator<FakeMesosAgent.Settings> settings) {
        try {
            dir = Files.createTempDirectory("lunpool-executor-it-").toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(jar()).as("the shaded jar (system property lunpool.jar); run the ITs with mvn verify")
                .isRegularFile();
        agent = FakeMesosAgent.start(settings.apply(FakeMesosAgent.Settings.defaults(dir)));
    }

    static Path jar() {
        return Path.of(System.getProperty("lunpool.jar", "target/lunpool-app-0.1.0-SNAPSHOT-all.jar"));
    }

    /** A variable for the executors launched from now on (CommandInfo environment). */
    ExecutorFixture env(String name, String value) {
        executorEnvironment.put(name, value);
        return this;
    }

    ExecutorInfo executor(String executorId) {
        return TaskInfos.lunpoolExecutor(executorId, jar(), executorEnvironment);
    }

    /** Launches a task with {@code data} and {@code labels} on the executor {@code executorId}. */
    TaskInfo launch(String taskId, String executorId, String data, Map<String, String> labels) {
        TaskInfo task = TaskInfos.task(taskId, executor(executorId), data.getBytes(StandardCharsets.UTF_8), labels);
        agent.launch(task);
        return task;
    }

    /** A shell command task without volumes. */
    TaskInfo launchCommand(String taskId, String executorId, String script) {
        return launch(taskId, executorId, command(script), Map.of());
    }

    static String command(String script) {
        return "{\"kind\":\"command\",\"value\":" + quote(script) + "}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Waits until the task's latest state at the agent is {@code state}. */
    void awaitState(String taskId, String executorId, TaskState state) {
        await("task " + taskId + " is " + state, () -> agent.state(taskId).orElse(null) == state, executorId);
    }

    void await(String what, java.util.function.BooleanSupplier condition, String executorId) {
        try {
            Await.until(what, WAIT, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; executor log:\n" + log(executorId), e);
        }
    }

    /** Waits for the executor's exit and returns its code. */
    int awaitExit(String executorId) {
        ExecutorChild child = agent.executor(executorId);
        await("executor " + executorId + " exits", () -> !child.isAlive(), executorId);
        return child.exitCode().orElseThrow();
    }

    String log(String executorId) {
        try {
            return agent.executor(executorId).stderr();
        } catch (IllegalArgumentException none) {
            return "(no executor " + executorId + ")";
        }
    }

    List<String> messages(String taskId) {
        return agent.updates(taskId).stream().map(s -> s.getState() + ": " + s.getMessage()).toList();
    }

    @Override
    public void close() {
        agent.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing " + dir + " failed", e);
        }
    }
}
