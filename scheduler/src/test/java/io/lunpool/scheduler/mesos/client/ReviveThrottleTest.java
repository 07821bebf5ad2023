package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReviveThrottleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void oneReviveGoesOutPerIntervalAndTheOthersShareTheDeferredOne() {
        ReviveThrottle t = new ReviveThrottle(Duration.ofSeconds(5));
        assertThat(t.request(T0)).isInstanceOf(ReviveThrottle.Decision.SendNow.class);
        assertThat(t.request(T0.plusSeconds(1))).isEqualTo(new ReviveThrottle.Decision.SendAt(T0.plusSeconds(5)));
        assertThat(t.request(T0.plusSeconds(2)))
                .isEqualTo(new ReviveThrottle.Decision.AlreadyScheduled(T0.plusSeconds(5)));
        t.sent(T0.plusSeconds(5));
        assertThat(t.scheduled()).isEmpty();
        assertThat(t.request(T0.plusSeconds(6))).isEqualTo(new ReviveThrottle.Decision.SendAt(T0.plusSeconds(10)));
        t.sent(T0.plusSeconds(10));
        assertThat(t.request(T0.plusSeconds(15))).isInstanceOf(ReviveThrottle.Decision.SendNow.class);
    }
}
