package io.lunpool.executor.mesos;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What the Mesos agent tells an executor through its environment, read and checked at start:
 *
 * <ul>
 *   <li>{@code MESOS_AGENT_ENDPOINT} ({@code ip:port}), {@code MESOS_FRAMEWORK_ID}, {@code MESOS_EXECUTOR_ID}:
 *       required.</li>
 *   <li>{@code MESOS_CHECKPOINT}: {@code 1} when the framework checkpoints (the executor then outlives an agent
 *       restart), {@code 0} otherwise; required.</li>
 *   <li>{@code MESOS_RECOVERY_TIMEOUT} (default {@code 15mins}) and {@code MESOS_SUBSCRIPTION_BACKOFF_MAX} (default
 *       {@code 2secs}): set with checkpointing only; how long to wait for a restarted agent, and the longest wait
 *       between two SUBSCRIBEs meanwhile.</li>
 *   <li>{@code MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD} (default {@code 5secs}): the time between SHUTDOWN and the
 *       agent destroying the executor's container.</li>
 *   <li>{@code MESOS_SANDBOX} (else {@code MESOS_DIRECTORY}): the sandbox, where tasks run.</li>
 *   <li>{@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN}: sent as {@code Authorization: Bearer} when set.</li>
 *   <li>{@code MESOS_SLAVE_ID}: the agent's id, for the log.</li>
 * </ul>
 *
 * Durations are stout's ({@link StoutDuration}). A missing or bad variable is refused naming it.
 */
public record ExecutorEnvironment(String agentEndpoint, String frameworkId, String executorId, boolean checkpoint,
                                  Duration recoveryTimeout, Duration subscriptionBackoffMax,
                                  Duration shutdownGracePeriod, Path sandbox, Optional<String> authenticationToken,
                                  Optional<String> agentId) {
    public static final Duration DEFAULT_RECOVERY_TIMEOUT = Duration.ofMinutes(15);
    public static final Duration DEFAULT_SUBSCRIPTION_BACKOFF_MAX = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(5);

    /** The agent's executor API. */
    public URI executorApi() {
        return URI.create("http://" + agentEndpoint + "/api/v1/executor");
    }

    /** Reads the variables; an {@link IllegalArgumentException} names the first one that is missing or wrong. */
    public static ExecutorEnvironment from(Map<String, String> env) {
        String endpoint = required(env, "MESOS_AGENT_ENDPOINT");
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || !endpoint.substring(colon + 1).matches("[0-9]{1,5}")
                || Integer.parseInt(endpoint.substring(colon + 1)) > 65535 || endpoint.contains("/")) {
            throw new IllegalArgumentException("MESOS_AGENT_ENDPOINT '" + endpoint + "' is not ip:port");
        }
        String checkpoint = required(env, "MESOS_CHECKPOINT");
        if (!checkpoint.equals("0") && !checkpoint.equals("1")) {
            throw new IllegalArgumentException("MESOS_CHECKPOINT '" + checkpoint + "' is neither 1 nor 0");
        }
        boolean checkpointing = checkpoint.equals("1");
        Duration recovery = duration(env, "MESOS_RECOVERY_TIMEOUT", DEFAULT_RECOVERY_TIMEOUT);
        Duration backoff = duration(env, "MESOS_SUBSCRIPTION_BACKOFF_MAX", DEFAULT_SUBSCRIPTION_BACKOFF_MAX);
        Duration grace = duration(env, "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", DEFAULT_SHUTDOWN_GRACE_PERIOD);
        positive("MESOS_RECOVERY_TIMEOUT", recovery);
        positive("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", grace);
        String sandbox = optional(env, "MESOS_SANDBOX").or(() -> optional(env, "MESOS_DIRECTORY"))
                .orElseThrow(() -> new IllegalArgumentException("MESOS_SANDBOX (or MESOS_DIRECTORY) is not set; the"
                        + " executor runs its tasks in the sandbox"));
        return new ExecutorEnvironment(endpoint, required(env, "MESOS_FRAMEWORK_ID"), required(env, "MESOS_EXECUTOR_ID"),
                checkpointing, recovery, backoff, grace, Path.of(sandbox),
                optional(env, "MESOS_EXECUTOR_AUTHENTICATION_TOKEN"), optional(env, "MESOS_SLAVE_ID"));
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new IllegalArgumentException(name + " is not set; the Mesos"
                + " agent sets it for the executors it launches"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static Duration duration(Map<String, String> env, String name, Duration fallback) {
        Optional<String> text = optional(env, name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return StoutDuration.parse(text.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    private static void positive(String name, Duration d) {
        if (d.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than 0");
        }
    }
}
