package io.lunpool.executor.task;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's command as a child process in a session (and so a process group) of its own ({@code setsid}), so that a
 * kill reaches everything it started: SIGTERM to the group, SIGKILL to the group after 80% of the grace period.
 * When the command itself exits, what it left running in its group is killed too, so nothing keeps a volume busy.
 * Its output goes where the executor's goes (the sandbox's stdout and stderr); its input is {@code /dev/null}.
 */
final class CommandProcess {
    private static final Logger LOG = LoggerFactory.getLogger(CommandProcess.class);
    private final Process process;

    private CommandProcess(Process process) {
        this.process = process;
    }

    static CommandProcess start(List<String> argv, Path dir, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.addAll(argv);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().clear();
        pb.environment().putAll(environment);
        return new CommandProcess(pb.start());
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the command to exit, then kills what it left in its group; returns its exit code. */
    int waitFor() throws InterruptedException {
        int code = process.waitFor();
        signalGroup("KILL");
        return code;
    }

    /** SIGTERM to the group now, SIGKILL to the group after 80% of {@code grace} if the command still runs. */
    void terminate(Duration grace) {
        signalGroup("TERM");
        long killAfter = Math.max(grace.toMillis() * 8 / 10, 1);
        CompletableFuture.delayedExecutor(killAfter, TimeUnit.MILLISECONDS).execute(() -> {
            if (process.isAlive()) {
                LOG.info("the command (pid {}) outlived SIGTERM for {} ms; SIGKILL to its group", process.pid(),
                        killAfter);
                signalGroup("KILL");
            }
        });
    }

    private void signalGroup(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, "--", "-" + process.pid())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("sending SIG{} to the group of pid {} failed: {}", signal, process.pid(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
