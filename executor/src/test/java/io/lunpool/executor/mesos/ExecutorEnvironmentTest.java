package io.lunpool.executor.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** EX-01: the executor reads the agent's variables and stout's durations, and refuses what is wrong by name. */
class ExecutorEnvironmentTest {
    private static Map<String, String> agentEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("MESOS_AGENT_ENDPOINT", "10.0.3.3:5051");
        env.put("MESOS_FRAMEWORK_ID", "8c0e6a9e-0f5b-4f1e-a3f7-2d6c1b0e9a11-0000");
        env.put("MESOS_EXECUTOR_ID", "lunpool-S3");
        env.put("MESOS_SLAVE_ID", "8c0e6a9e-0f5b-4f1e-a3f7-2d6c1b0e9a11-S3");
        env.put("MESOS_CHECKPOINT", "1");
        env.put("MESOS_RECOVERY_TIMEOUT", "15mins");
        env.put("MESOS_SUBSCRIPTION_BACKOFF_MAX", "1.5secs");
        env.put("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD", "5secs");
        env.put("MESOS_SANDBOX", "/var/lib/mesos/slaves/S3/frameworks/f/executors/e/runs/latest");
        env.put("MESOS_DIRECTORY", "/elsewhere");
        env.put("MESOS_EXECUTOR_AUTHENTICATION_TOKEN", "eyJhbGciOi");
        return env;
    }

    @Test
    void ex01_readsEveryVariableTheAgentSets() {
        ExecutorEnvironment e = ExecutorEnvironment.from(agentEnvironment());

        assertThat(e.agentEndpoint()).isEqualTo("10.0.3.3:5051");
        assertThat(e.executorApi()).hasToString("http://10.0.3.3:5051/api/v1/executor");
        assertThat(e.frameworkId()).isEqualTo("8c0e6a9e-0f5b-4f1e-a3f7-2d6c1b0e9a11-0000");
        assertThat(e.executorId()).isEqualTo("lunpool-S3");
        assertThat(e.agentId()).contains("8c0e6a9e-0f5b-4f1e-a3f7-2d6c1b0e9a11-S3");
        assertThat(e.checkpoint()).isTrue();
        assertThat(e.recoveryTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(e.subscriptionBackoffMax()).isEqualTo(Duration.ofMillis(1500));
        assertThat(e.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(e.sandbox()).isEqualTo(Path.of("/var/lib/mesos/slaves/S3/frameworks/f/executors/e/runs/latest"));
        assertThat(e.authenticationToken()).contains("eyJhbGciOi");
    }

    @Test
    void ex01_withoutCheckpointingTheRecoveryVariablesAreAbsentAndDefaultsApply() {
        Map<String, String> env = agentEnvironment();
        env.put("MESOS_CHECKPOINT", "0");
        env.remove("MESOS_RECOVERY_TIMEOUT");
        env.remove("MESOS_SUBSCRIPTION_BACKOFF_MAX");
        env.remove("MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD");
        env.remove("MESOS_SANDBOX");
        env.remove("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");

        ExecutorEnvironment e = ExecutorEnvironment.from(env);

        assertThat(e.checkpoint()).isFalse();
        assertThat(e.recoveryTimeout()).isEqualTo(ExecutorEnvironment.DEFAULT_RECOVERY_TIMEOUT);
        assertThat(e.subscriptionBackoffMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(e.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(e.sandbox()).as("MESOS_DIRECTORY without MESOS_SANDBOX").isEqualTo(Path.of("/elsewhere"));
        assertThat(e.authenticationToken()).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "MESOS_AGENT_ENDPOINT|<unset>|MESOS_AGENT_ENDPOINT is not set",
            "MESOS_AGENT_ENDPOINT|10.0.3.3|is not ip:port",
            "MESOS_AGENT_ENDPOINT|10.0.3.3:70000|is not ip:port",
            "MESOS_FRAMEWORK_ID|<unset>|MESOS_FRAMEWORK_ID is not set",
            "MESOS_EXECUTOR_ID|<blank>|MESOS_EXECUTOR_ID is not set",
            "MESOS_CHECKPOINT|true|MESOS_CHECKPOINT 'true' is neither 1 nor 0",
            "MESOS_CHECKPOINT|<unset>|MESOS_CHECKPOINT is not set",
            "MESOS_RECOVERY_TIMEOUT|15 mins|MESOS_RECOVERY_TIMEOUT: '15 mins' has the unknown duration unit ' mins'",
            "MESOS_SUBSCRIPTION_BACKOFF_MAX|2s|MESOS_SUBSCRIPTION_BACKOFF_MAX: '2s' has the unknown duration unit 's'",
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD|0secs|MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD must be longer than 0",
            "MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD|secs|MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: 'secs' is not a duration"})
    void ex01_aMissingOrBadVariableIsRefusedByName(String name, String value, String message) {
        Map<String, String> env = agentEnvironment();
        if (value.equals("<unset>")) {
            env.remove(name);
        } else if (value.equals("<blank>")) {
            env.put(name, "  ");
        } else {
            env.put(name, value);
        }
        assertThatThrownBy(() -> ExecutorEnvironment.from(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void ex01_withoutASandboxTheExecutorCannotStart() {
        Map<String, String> env = agentEnvironment();
        env.remove("MESOS_SANDBOX");
        env.remove("MESOS_DIRECTORY");
        assertThatThrownBy(() -> ExecutorEnvironment.from(env)).hasMessageContaining("MESOS_SANDBOX");
    }
}
