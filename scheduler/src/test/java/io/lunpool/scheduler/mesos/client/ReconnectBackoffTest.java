package io.lunpool.scheduler.mesos.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {
    @Test
    void sc07_backoffDoublesFromTheMinimumUpToTheCapWithJitterBetweenHalfAndAll() {
        Duration min = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(30);
        long[][] table = {
                // attempt, expected un-jittered millis
                {0, 1000}, {1, 2000}, {2, 4000}, {3, 8000}, {4, 16000}, {5, 30000}, {6, 30000}, {40, 30000}};
        for (long[] row : table) {
            int attempt = (int) row[0];
            assertThat(new ReconnectBackoff(min, max, () -> 0.0).delay(attempt).toMillis())
                    .as("lowest jitter at attempt " + attempt).isEqualTo(row[1] / 2);
            assertThat(new ReconnectBackoff(min, max, () -> 0.999999999).delay(attempt).toMillis())
                    .as("highest jitter at attempt " + attempt).isBetween(row[1] - 1, row[1]);
            assertThat(new ReconnectBackoff(min, max, () -> 0.5).delay(attempt).toMillis())
                    .isEqualTo(row[1] * 3 / 4);
        }
    }

    @Test
    void neverExceedsTheCapWhateverTheRandomSource() {
        ReconnectBackoff b = new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(30), () -> 7.5);
        for (int i = 0; i < 100; i++) {
            assertThat(b.delay(i)).isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void refusesAMinimumAboveTheMaximum() {
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1), () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
