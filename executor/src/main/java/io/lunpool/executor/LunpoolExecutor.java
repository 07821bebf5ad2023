package io.lunpool.executor;

import io.lunpool.executor.backend.BackendClient;
import io.lunpool.executor.mesos.ExecutorEnvironment;
import io.lunpool.executor.mesos.MesosExecutor;
import io.lunpool.executor.mesos.StoutDuration;
import io.lunpool.executor.task.LunpoolTasks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lunpool executor ({@code bin/lunpool executor}, started by the Mesos agent): reads the agent's environment,
 * subscribes, and runs chores and volume tasks through the backend on this host. Besides the agent's variables it
 * reads {@code LUNPOOL_BACKEND_SOCKET}, the backend's unix socket (default {@value #DEFAULT_SOCKET}; the
 * {@code --backend-socket} argument wins over both), and {@code LUNPOOL_EXECUTOR_EXIT_TIMEOUT} (stout duration,
 * default {@code 60secs}): how long it waits for the agent's acknowledgements after its last task ended before it
 * exits anyway. Exit codes: 0 done or shut down, 1 gave up on the agent, 2 a bad environment.
 */
public final class LunpoolExecutor {
    public static final String DEFAULT_SOCKET = "/run/docker/plugins/fc.sock";
    public static final Duration DEFAULT_EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(LunpoolExecutor.class);

    private LunpoolExecutor() {
    }

    public static int run(Map<String, String> env, Optional<String> socketArgument) throws InterruptedException {
        ExecutorEnvironment mesos;
        Duration exitTimeout;
        Path socket;
        try {
            mesos = ExecutorEnvironment.from(env);
            exitTimeout = Optional.ofNullable(env.get("LUNPOOL_EXECUTOR_EXIT_TIMEOUT")).filter(s -> !s.isBlank())
                    .map(s -> {
                        try {
                            return StoutDuration.parse(s.strip());
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("LUNPOOL_EXECUTOR_EXIT_TIMEOUT: " + e.getMessage(), e);
                        }
                    }).orElse(DEFAULT_EXIT_TIMEOUT);
            socket = Path.of(socketArgument.or(() -> Optional.ofNullable(env.get("LUNPOOL_BACKEND_SOCKET"))
                    .filter(s -> !s.isBlank())).orElse(DEFAULT_SOCKET));
            if (!socket.isAbsolute()) {
                throw new IllegalArgumentException("the backend socket " + socket + " must be an absolute path");
            }
        } catch (IllegalArgumentException e) {
            LOG.error("the lunpool executor cannot start: {}", e.getMessage());
            return 2;
        }
        LOG.info("backend socket {}, exit timeout {}", socket, exitTimeout);
        LunpoolTasks tasks = new LunpoolTasks(new BackendClient(socket), mesos.sandbox(), env);
        return new MesosExecutor(mesos, tasks, exitTimeout, Clock.systemUTC()).run();
    }
}
