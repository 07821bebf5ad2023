package io.lunpool.backend.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandRunnerTest {
    private final CommandRunner runner = new CommandRunner();

    @Test
    void exitCodeStdoutAndStderrAreCaptured() {
        CommandRunner.Result result = runner.run(CommandRunner.QUICK,
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"));

        assertThat(result).isEqualTo(new CommandRunner.Result(3, "out\n", "err\n"));
    }

    @Test
    void runCheckedReturnsStdoutOnSuccess() {
        assertThat(runner.runChecked(CommandRunner.QUICK, "echo", "hello")).isEqualTo("hello\n");
    }

    @Test
    void runCheckedNamesCommandExitCodeAndStderrOnFailure() {
        assertThatThrownBy(() -> runner.runChecked(CommandRunner.QUICK, "sh", "-c", "echo '  broken pipe  ' >&2; exit 7"))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessage("[sh, -c, echo '  broken pipe  ' >&2; exit 7] failed (exit 7): broken pipe");
    }

    @Test
    void largeOutputOnBothStreamsDoesNotDeadlock() {
        CommandRunner.Result result = runner.run(CommandRunner.QUICK,
                List.of("sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a; head -c 3000000 /dev/zero | tr '\\0' b >&2"));

        assertThat(result.exit()).isZero();
        assertThat(result.stdout()).hasSize(3_000_000);
        assertThat(result.stderr()).hasSize(3_000_000);
    }

    @Test
    void timeoutKillsTheCommandAndItsDescendants(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long start = System.nanoTime();

        assertThatThrownBy(() -> runner.run(Duration.ofMillis(500),
                List.of("sh", "-c", "sleep 30 & echo $! > " + pidFile + "; sleep 30; wait")))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("timed out after PT0.5S");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(awaitGone(child, Duration.ofSeconds(5))).as("background sleep %d was killed", child).isTrue();
    }

    @Test
    void anInterruptKillsTheCommand(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                runner.run(CommandRunner.SLOW, List.of("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 300"));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        caller.start();
        long sleep = awaitPid(pidFile);

        caller.interrupt();
        caller.join(30_000);

        assertThat(failure.get()).isInstanceOfSatisfying(LunpoolException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR)).hasMessageContaining("was interrupted and killed");
        assertThat(awaitGone(sleep, Duration.ofSeconds(10))).as("sleep %d was killed", sleep).isTrue();
    }

    @Test
    void aCommandThatDiesWithThisProcessDiesWhenItIsKilled(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        Process parent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CommandParent.class.getName(),
                "sh", "-c", "echo $$ > " + pidFile + "; exec sleep 300")
                .redirectErrorStream(true).redirectOutput(dir.resolve("parent.log").toFile()).start();
        try {
            long sleep = awaitPid(pidFile);
            assertThat(ProcessHandle.of(sleep).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
                    .as("the command's parent").contains(parent.pid());

            parent.destroyForcibly(); // SIGKILL: the JVM cannot clean up after itself
            parent.waitFor(30, TimeUnit.SECONDS);

            assertThat(awaitGone(sleep, Duration.ofSeconds(10))).as("sleep %d died with its parent", sleep).isTrue();
        } finally {
            parent.destroyForcibly();
        }
    }

    private static long awaitPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
                return Long.parseLong(Files.readString(pidFile).strip());
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        throw new AssertionError("the command never wrote " + pidFile);
    }

    @Test
    void commandThatCannotStartIsHostError() {
        assertThatThrownBy(() -> runner.run(CommandRunner.QUICK, List.of("/nonexistent/lunpool-command")))
                .isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.HOST_ERROR))
                .hasMessageContaining("could not be started");
    }

    /** Gone or a zombie waiting for its reaper: either way it no longer runs. */
    private static boolean awaitGone(long pid, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            if (!Files.exists(stat)) {
                return true;
            }
            String text = Files.readString(stat);
            if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                return true;
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
        return false;
    }
}
