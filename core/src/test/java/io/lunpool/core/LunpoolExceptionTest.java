package io.lunpool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LunpoolExceptionTest {
    @Test
    void emptyIfNotFoundWrapsTheResult() {
        assertThat(LunpoolException.emptyIfNotFound(() -> "v1")).contains("v1");
    }

    @Test
    void emptyIfNotFoundIsEmptyForNotFound() {
        assertThat(LunpoolException.emptyIfNotFound(() -> {
            throw LunpoolException.notFound("volume v1 does not exist");
        })).isEmpty();
    }

    @Test
    void emptyIfNotFoundThrowsEveryOtherReasonOn() {
        LunpoolException inUse = new LunpoolException(Reason.IN_USE, "volume v1 is attached to host agent-3");

        assertThatThrownBy(() -> LunpoolException.emptyIfNotFound(() -> {
            throw inUse;
        })).isSameAs(inUse);
    }

    @Test
    void ignoreNotFoundRunsTheCallAndSwallowsOnlyNotFound() {
        AtomicInteger runs = new AtomicInteger();

        LunpoolException.ignoreNotFound(runs::incrementAndGet);
        LunpoolException.ignoreNotFound(() -> {
            throw LunpoolException.notFound("volume v1 does not exist");
        });

        assertThat(runs).hasValue(1);
        assertThatThrownBy(() -> LunpoolException.ignoreNotFound(() -> {
            throw LunpoolException.transientError("control plane unreachable", null);
        })).isInstanceOfSatisfying(LunpoolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TRANSIENT));
    }
}
