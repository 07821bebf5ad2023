package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that runs external commands: every call has a timeout, stdin closed, stdout and stderr
 * captured (drained on pool threads, so a chatty command never deadlocks on a full pipe). On timeout, and when
 * the calling thread is interrupted, the command and all its descendants are killed.
 */
public final class CommandRunner {
    /** For quick commands: losetup, blockdev, mount, umount, blkdiscard of a small LUN. */
    public static final Duration QUICK = Duration.ofSeconds(30);
    /** For commands whose time grows with the LUN: mkfs, blkdiscard of a large LUN. */
    public static final Duration SLOW = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "command-output");
        t.setDaemon(true);
        return t;
    });

    /** Exit code and captured output (UTF-8) of a finished command. */
    public record Result(int exit, String stdout, String stderr) {
    }

    private final List<String> prefix;

    public CommandRunner() {
        this(List.of());
    }

    private CommandRunner(List<String> prefix) {
        this.prefix = prefix;
    }

    /**
     * A runner whose commands the kernel kills when this process dies ({@code setpriv --pdeathsig KILL}): chores
     * use it, so a mkfs or blkdiscard never runs on after the control plane that started it was killed, when the
     * next leader may already work on the LUN. Without setpriv on the PATH it warns once and runs them plainly.
     */
    public static CommandRunner diesWithThisProcess() {
        Optional<Path> setpriv = onPath("setpriv");
        if (setpriv.isEmpty()) {
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("setpriv (util-linux) is not on the PATH: chore commands may outlive this process if it"
                        + " is killed");
            }
            return new CommandRunner();
        }
        return new CommandRunner(List.of(setpriv.get().toString(), "--pdeathsig", "KILL", "--"));
    }

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).filter(d -> !d.isEmpty()).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).findFirst();
    }

    /** Runs {@code argv}; returns whatever exit code it had. Throws HOST_ERROR when it cannot start or times out. */
    public Result run(Duration timeout, List<String> argv) {
        long start = System.nanoTime();
        Process process;
        try {
            List<String> command = argv;
            if (!prefix.isEmpty()) {
                command = new ArrayList<>(prefix);
                command.addAll(argv);
            }
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, argv + " could not be started: " + e.getMessage(), e);
        }
        try {
            process.getOutputStream().close();
            Future<String> stdout = DRAINERS.submit(() -> drain(process.getInputStream()));
            Future<String> stderr = DRAINERS.submit(() -> drain(process.getErrorStream()));
            if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                kill(process);
                throw new LunpoolException(Reason.HOST_ERROR, argv + " timed out after " + timeout + " and was killed");
            }
            Result result = new Result(process.exitValue(), collect(stdout, argv), collect(stderr, argv));
            LOG.debug("{} exited {} in {} us", argv, result.exit(), (System.nanoTime() - start) / 1000);
            return result;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new LunpoolException(Reason.HOST_ERROR, argv + " was interrupted and killed", e);
        } catch (IOException e) {
            kill(process);
            throw new LunpoolException(Reason.HOST_ERROR, argv + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code argv} and returns its stdout; throws HOST_ERROR naming the command, exit code and stderr on failure. */
    public String runChecked(Duration timeout, String... argv) {
        List<String> command = List.of(argv);
        Result result = run(timeout, command);
        if (result.exit() != 0) {
            throw new LunpoolException(Reason.HOST_ERROR,
                    command + " failed (exit " + result.exit() + "): " + result.stderr().trim());
        }
        return result.stdout();
    }

    private static String drain(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Output of a finished command; a descendant that kept the pipe open only costs the grace period. */
    private static String collect(Future<String> output, List<String> argv) throws InterruptedException {
        try {
            return output.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new LunpoolException(Reason.HOST_ERROR, argv + ": reading its output failed: " + e.getCause(), e);
        } catch (TimeoutException e) {
            output.cancel(true);
            return "";
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
