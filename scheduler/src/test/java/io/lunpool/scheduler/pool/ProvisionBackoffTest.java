package io.lunpool.scheduler.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProvisionBackoffTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ProvisionBackoff backoff = new ProvisionBackoff();

    @Test
    void aPoolThatNeverFailedMayAlwaysProvision() {
        assertThat(backoff.mayProvision("gold", T0)).isTrue();
        assertThat(backoff.retryAt("gold")).isEmpty();
    }

    @Test
    void eachFailureDoublesTheWaitUpToTheMaximum() {
        Instant now = T0;
        Duration expected = ProvisionBackoff.FIRST;
        for (int failure = 1; failure <= 8; failure++) {
            backoff.failed("gold", now);
            assertThat(backoff.retryAt("gold")).as("after failure %d", failure).contains(now.plus(expected));
            assertThat(backoff.mayProvision("gold", now.plus(expected).minusMillis(1))).isFalse();
            assertThat(backoff.mayProvision("gold", now.plus(expected))).isTrue();
            assertThat(backoff.mayProvision("silver", now)).as("other pools do not wait").isTrue();
            now = now.plus(expected);
            expected = expected.multipliedBy(2).compareTo(ProvisionBackoff.MAX) < 0 ? expected.multipliedBy(2)
                    : ProvisionBackoff.MAX;
        }
        assertThat(backoff.retryAt("gold")).contains(now.minus(ProvisionBackoff.MAX).plus(ProvisionBackoff.MAX));
    }

    @Test
    void aSuccessEndsTheWait() {
        backoff.failed("gold", T0);
        backoff.failed("gold", T0);

        backoff.succeeded("gold");

        assertThat(backoff.mayProvision("gold", T0)).isTrue();
        backoff.failed("gold", T0);
        assertThat(backoff.retryAt("gold")).contains(T0.plus(ProvisionBackoff.FIRST));
    }

    @Test
    void anOperatorsPassTriesAtOnceAndAFurtherFailureWaitsLonger() {
        backoff.failed("gold", T0);

        backoff.tryNow("gold", T0.plusSeconds(1));

        assertThat(backoff.mayProvision("gold", T0.plusSeconds(1))).isTrue();
        backoff.failed("gold", T0.plusSeconds(1));
        assertThat(backoff.retryAt("gold")).contains(T0.plusSeconds(1).plus(ProvisionBackoff.FIRST.multipliedBy(2)));
    }
}
