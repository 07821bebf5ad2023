package io.lunpool.app.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.backend.host.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code docker} CLI against the running dockerd, every call with a timeout (through {@link CommandRunner}).
 * The image is {@code $LUNPOOL_TEST_IMAGE} (set by {@code bin/test}), else {@code lunpool/busybox:1}.
 */
public final class DockerCli {
    public static final String IMAGE = System.getenv().getOrDefault("LUNPOOL_TEST_IMAGE", "lunpool/busybox:1");
    /** A container command that runs until {@code docker stop} and exits at once on SIGTERM (busybox as PID 1). */
    public static final List<String> IDLE = List.of("sh", "-c", "trap 'exit 0' TERM; sleep 600 & wait");
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private final CommandRunner runner = new CommandRunner();

    /** What one command did. */
    public record Result(List<String> command, int exit, String out, String err) {
        public Result ok() {
            assertThat(exit).as("%s failed (exit %s): stdout=[%s] stderr=[%s]", command, exit, out, err).isZero();
            return this;
        }

        public Result failed() {
            assertThat(exit).as("%s should have failed: stdout=[%s] stderr=[%s]", command, out, err).isNotZero();
            return this;
        }

        /** stdout without the trailing newline. */
        public String text() {
            return out.strip();
        }
    }

    public Result run(String... args) {
        return run(List.of(args));
    }

    public Result run(List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(args);
        CommandRunner.Result r = runner.run(TIMEOUT, argv);
        return new Result(List.copyOf(argv), r.exit(), r.stdout(), r.stderr());
    }

    /** Runs and asserts exit 0; returns stdout, stripped. */
    public String ok(String... args) {
        return run(args).ok().text();
    }

    /** {@code docker run --rm [mountArgs] IMAGE sh -c script}; asserts exit 0 and returns stdout, stripped. */
    public String runOnce(List<String> mountArgs, String script) {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(mountArgs);
        args.addAll(List.of(IMAGE, "sh", "-c", script));
        return run(args).ok().text();
    }

    /** {@code docker run -d --name name [mountArgs] IMAGE <idle>}: a container that runs until stopped. */
    public void runIdle(String name, List<String> mountArgs) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name));
        args.addAll(mountArgs);
        args.add(IMAGE);
        args.addAll(IDLE);
        run(args).ok();
    }

    /** {@code docker exec name sh -c script}; asserts exit 0 and returns stdout, stripped. */
    public String exec(String name, String script) {
        return run("exec", name, "sh", "-c", script).ok().text();
    }
}
