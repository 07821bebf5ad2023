package io.lunpool.backend.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.api.HostRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HostRegistrarTest {
    @Test
    void theHostIsRegisteredAgainAfterEachFailureUntilTheControlPlaneTakesIt() throws Exception {
        AtomicInteger refusals = new AtomicInteger(3);
        List<String> registered = new CopyOnWriteArrayList<>();
        HostRequest request = new HostRequest(List.of("21:00:00:24:ff:4c:aa:01"), Map.of("rack", "r7"), "agent-S3");
        HostRegistrar registrar = new HostRegistrar("agent-3", request, (host, r) -> {
            if (refusals.getAndDecrement() > 0) {
                throw new LunpoolException(Reason.TRANSIENT, "no leader");
            }
            registered.add(host + " " + r);
        }, Duration.ofMillis(1), Duration.ofMillis(4));

        registrar.start();
        Await.until("registered", Duration.ofSeconds(30), registrar::registered);
        registrar.stop();

        assertThat(registrar.attempts()).isEqualTo(4);
        assertThat(registered).containsExactly("agent-3 " + request);
    }

    @Test
    void theBackendConfigurationSaysWhatIsRegistered() {
        BackendConfiguration config = new BackendConfiguration();
        config.setInitiators(List.of("21:00:00:24:ff:4c:aa:01"));
        config.setLabels(Map.of("rack", "r7"));

        assertThat(config.hostRequest()).isEqualTo(new HostRequest(List.of("21:00:00:24:ff:4c:aa:01"),
                Map.of("rack", "r7"), null));
        config.setAgentId("8c0e-S3");
        assertThat(config.hostRequest().agentId()).isEqualTo("8c0e-S3");
    }
}
