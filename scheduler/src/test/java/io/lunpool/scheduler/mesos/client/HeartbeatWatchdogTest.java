package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeartbeatWatchdogTest {
    @Test
    void expiresAfterMoreThanFiveIntervalsWithoutAnyEvent() {
        MesosTestClock clock = new MesosTestClock();
        HeartbeatWatchdog w = new HeartbeatWatchdog(clock);
        clock.advance(Duration.ofHours(1));
        assertThat(w.expired()).as("no interval announced yet: never expires").isEmpty();
        w.interval(Duration.ofSeconds(15));
        w.eventArrived();
        clock.advance(Duration.ofSeconds(75));
        assertThat(w.expired()).as("exactly five intervals").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(w.expired()).contains(Duration.ofMillis(75_001));
        w.eventArrived();
        assertThat(w.expired()).as("any event counts").isEmpty();
        w.interval(Duration.ZERO);
        clock.advance(Duration.ofHours(1));
        assertThat(w.expired()).as("a master without heartbeats is not watched").isEmpty();
    }
}
