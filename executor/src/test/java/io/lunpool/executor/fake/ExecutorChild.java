package io.lunpool.executor.fake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;

/**
 * An executor the fake agent launched: a real child process running the ExecutorInfo's command (under
 * {@code sh -c} for a shell command) in its sandbox, with the agent's environment, its stdout and stderr in the
 * sandbox's {@code stdout} and {@code stderr} files as a Mesos agent keeps them.
 */
public final class ExecutorChild {
    private final String executorId;
    private final Path sandbox;
    private final Process process;
    private volatile boolean killedByAgent;

    private ExecutorChild(String executorId, Path sandbox, Process process) {
        this.executorId = executorId;
        this.sandbox = sandbox;
        this.process = process;
    }

    static ExecutorChild start(String executorId, CommandInfo command, Path sandbox, Map<String, String> agentEnv) {
        List<String> argv = new ArrayList<>();
        if (!command.hasShell() || command.getShell()) {
            argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
        } else {
            argv.addAll(command.getArgumentsList().isEmpty() ? List.of(command.getValue())
                    : command.getArgumentsList());
        }
        try {
            Files.createDirectories(sandbox);
            ProcessBuilder pb = new ProcessBuilder(argv).directory(sandbox.toFile())
                    .redirectOutput(sandbox.resolve("stdout").toFile())
                    .redirectError(sandbox.resolve("stderr").toFile());
            pb.environment().putAll(agentEnv);
            for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
                pb.environment().put(v.getName(), v.getValue());
            }
            return new ExecutorChild(executorId, sandbox, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start executor " + executorId + ": " + argv, e);
        }
    }

    public String executorId() {
        return executorId;
    }

    public Path sandbox() {
        return sandbox;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once it has exited. */
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** True when the agent had to kill it (a shutdown grace period ran out, or it missed the re-registration). */
    public boolean killedByAgent() {
        return killedByAgent;
    }

    /** Waits for the exit; false on timeout. */
    public boolean awaitExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /** SIGKILL by PID, as the agent destroys a container; waits for the exit. */
    void destroy() {
        if (process.isAlive()) {
            killedByAgent = true;
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL by PID from the test (the executor crashes). */
    public void crash() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The executor's stderr (its log) so far. */
    public String stderr() {
        return read("stderr");
    }

    public String stdout() {
        return read("stdout");
    }

    java.util.concurrent.CompletableFuture<Process> onExit() {
        return process.onExit();
    }

    private String read(String file) {
        try {
            Path p = sandbox.resolve(file);
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }
}
