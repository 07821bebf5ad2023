package io.lunpool.executor.task;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.executor.backend.BackendClient;
import io.lunpool.executor.mesos.StatusReporter;
import io.lunpool.executor.mesos.TaskPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command task with its volumes. Each volume is created when the backend does not know it (with the options of
 * its labels) and mounted through the backend's plugin protocol with the task id as the mount ID; its container path
 * becomes a symbolic link in the sandbox to the mount point, and the command finds the mount points in its
 * environment: {@code LUNPOOL_VOLUME_<i>} (the mount point) and {@code LUNPOOL_VOLUME_<i>_NAME}, by the volume's
 * label index. Then the command runs in the sandbox; when it exits, fails, crashes or is killed, the links go and
 * every volume is unmounted (its reference released) before the terminal state is reported. If the executor itself
 * dies, its references stay with the backend, which releases them (its mount table keeps them per task id).
 */
final class CommandRun implements RunningTask {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);

    private record Mounted(TaskVolume volume, Path mountpoint, Path link) {
    }

    private final String taskId;
    private final TaskPlan.Command plan;
    private final BackendClient backend;
    private final Path sandbox;
    private final Map<String, String> environment;
    private final StatusReporter reporter;
    private final List<Mounted> mounted = new ArrayList<>();
    private CommandProcess process;
    private boolean killed;

    CommandRun(String taskId, TaskPlan.Command plan, BackendClient backend, Path sandbox,
               Map<String, String> environment, StatusReporter reporter) {
        this.taskId = taskId;
        this.plan = plan;
        this.backend = backend;
        this.sandbox = sandbox;
        this.environment = environment;
        this.reporter = reporter;
    }

    void run() {
        reporter.report(taskId, TaskPhase.STARTING, plan.volumes().isEmpty() ? "starting the command"
                : "mounting " + plan.volumes().stream().map(TaskVolume::name).toList());
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(plan.command().environment());
        env.put("MESOS_TASK_ID", taskId);
        for (TaskVolume v : plan.volumes()) {
            if (killedNow()) {
                end(TaskPhase.KILLED, "killed while its volumes were being mounted");
                return;
            }
            try {
                mount(v, env);
            } catch (LunpoolException e) {
                end(TaskPhase.FAILED, "mounting volume " + v.name() + " failed: " + e + "; nothing ran");
                return;
            }
        }
        int exit;
        synchronized (this) {
            if (killed) {
                end(TaskPhase.KILLED, "killed before the command started");
                return;
            }
            try {
                process = CommandProcess.start(plan.command().argv(), sandbox, env);
            } catch (IOException e) {
                end(TaskPhase.FAILED, "the command " + plan.command().argv() + " cannot start: " + e.getMessage()
                        + " (setsid from util-linux runs it in a session of its own)");
                return;
            }
        }
        reporter.report(taskId, TaskPhase.RUNNING, "the command runs (pid " + process.pid() + ")"
                + (mounted.isEmpty() ? "" : " with " + mounted.stream().map(m -> m.volume().name() + " at "
                + m.mountpoint()).toList()));
        try {
            exit = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.terminate(Duration.ZERO);
            end(TaskPhase.FAILED, "the executor stopped waiting for the command");
            return;
        }
        if (killedNow()) {
            end(TaskPhase.KILLED, "killed (the command ended with " + describe(exit) + ")");
        } else if (exit == 0) {
            end(TaskPhase.FINISHED, "the command exited with 0");
        } else {
            end(TaskPhase.FAILED, "the command ended with " + describe(exit));
        }
    }

    @Override
    public void kill(Duration grace) {
        CommandProcess p;
        synchronized (this) {
            killed = true;
            p = process;
        }
        if (p != null) {
            p.terminate(grace);
        }
    }

    private synchronized boolean killedNow() {
        return killed;
    }

    private void mount(TaskVolume v, Map<String, String> env) {
        if (!backend.exists(v.name())) {
            backend.create(v.name(), v.options());
        }
        Path mountpoint = backend.mount(v.name(), taskId);
        Path link = null;
        try {
            if (v.containerPath().isPresent()) {
                link = sandbox.resolve(v.containerPath().get());
                link(link, mountpoint);
            }
        } catch (IOException | LunpoolException e) {
            mounted.add(new Mounted(v, mountpoint, null));
            throw e instanceof LunpoolException le ? le : new LunpoolException(Reason.HOST_ERROR,
                    "linking " + link + " to " + mountpoint + " failed: " + e.getMessage(), e);
        }
        mounted.add(new Mounted(v, mountpoint, link));
        env.put("LUNPOOL_VOLUME_" + v.index(), mountpoint.toString());
        env.put("LUNPOOL_VOLUME_" + v.index() + "_NAME", v.name());
    }

    /** Makes {@code link} a symbolic link to {@code target}, replacing a link (never anything else) in its place. */
    private static void link(Path link, Path target) throws IOException {
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isSymbolicLink(link)) {
                throw LunpoolException.invalid("container path " + link + " exists in the sandbox and is not a"
                        + " symbolic link; the volume cannot be linked there");
            }
            Files.delete(link);
        }
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, target);
    }

    /** Removes the links, unmounts every volume (last first), then reports; an unmount failure is named. */
    private void end(TaskPhase phase, String message) {
        List<String> problems = new ArrayList<>();
        for (int i = mounted.size() - 1; i >= 0; i--) {
            Mounted m = mounted.get(i);
            try {
                if (m.link() != null && Files.isSymbolicLink(m.link())
                        && Files.readSymbolicLink(m.link()).equals(m.mountpoint())) {
                    Files.delete(m.link());
                }
            } catch (IOException e) {
                LOG.warn("removing the link {} failed: {}", m.link(), e.toString());
            }
            try {
                backend.unmount(m.volume().name(), taskId);
            } catch (LunpoolException e) {
                problems.add("unmounting volume " + m.volume().name() + " failed: " + e + "; the backend keeps the"
                        + " reference of task " + taskId + " until it is unmounted");
            }
        }
        mounted.clear();
        if (!problems.isEmpty()) {
            reporter.report(taskId, phase == TaskPhase.FINISHED ? TaskPhase.FAILED : phase, message + "; "
                    + String.join("; ", problems));
            return;
        }
        reporter.report(taskId, phase, message);
    }

    private static String describe(int exit) {
        return exit > 128 && exit < 160 ? "signal " + (exit - 128) + " (exit " + exit + ")" : "exit code " + exit;
    }
}
