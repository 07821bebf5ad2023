package io.lunpool.executor.task;

import io.lunpool.executor.backend.BackendClient;
import io.lunpool.executor.mesos.LaunchedTask;
import io.lunpool.executor.mesos.StatusReporter;
import io.lunpool.executor.mesos.TaskPhase;
import io.lunpool.executor.mesos.TaskRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lunpool executor's tasks: {@link TaskPlanner} says what a launched task is; a chore goes to the backend
 * ({@link ChoreRun}), a command runs with its volumes ({@link CommandRun}), and a task that cannot run is reported
 * TASK_ERROR with the reason. Each task runs on a thread of its own.
 */
public final class LunpoolTasks implements TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LunpoolTasks.class);
    private final BackendClient backend;
    private final Path sandbox;
    private final Map<String, String> environment;
    private final Map<String, RunningTask> running = new ConcurrentHashMap<>();

    /** {@code environment} is what every command starts with (the executor's own). */
    public LunpoolTasks(BackendClient backend, Path sandbox, Map<String, String> environment) {
        this.backend = backend;
        this.sandbox = sandbox;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public void launch(LaunchedTask task, StatusReporter reporter) {
        String id = task.taskId();
        TaskPlan plan = TaskPlanner.plan(task);
        if (plan instanceof TaskPlan.Invalid bad) {
            reporter.report(id, TaskPhase.ERROR, bad.reason());
        } else if (plan instanceof TaskPlan.Chore c) {
            ChoreRun run = new ChoreRun(id, c.chore(), backend, reporter);
            start(id, run, run::run, reporter);
        } else if (plan instanceof TaskPlan.Command c) {
            CommandRun run = new CommandRun(id, c, backend, sandbox, environment, reporter);
            start(id, run, run::run, reporter);
        }
    }

    @Override
    public void kill(String taskId, Duration grace) {
        RunningTask t = running.get(taskId);
        if (t != null) {
            t.kill(grace);
        }
    }

    @Override
    public void killAll(Duration grace) {
        running.values().forEach(t -> t.kill(grace));
    }

    private void start(String id, RunningTask task, Runnable body, StatusReporter reporter) {
        running.put(id, task);
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException e) {
                LOG.error("task {} failed unexpectedly", id, e);
                reporter.report(id, TaskPhase.FAILED, "the executor failed running the task: " + e);
            } finally {
                running.remove(id);
            }
        }, "task-" + id);
        t.setDaemon(true);
        t.start();
    }
}
