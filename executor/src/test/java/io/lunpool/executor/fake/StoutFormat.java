package io.lunpool.executor.fake;

import java.math.BigDecimal;
import java.time.Duration;

/** Writes a duration as stout does for the agent's environment: the largest unit it reaches, as a decimal. */
final class StoutFormat {
    private static final String[] UNITS = {"weeks", "days", "hrs", "mins", "secs", "ms", "us", "ns"};
    private static final long[] NANOS = {604_800_000_000_000L, 86_400_000_000_000L, 3_600_000_000_000L,
            60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};

    private StoutFormat() {
    }

    static String format(Duration d) {
        long nanos = d.toNanos();
        for (int i = 0; i < UNITS.length; i++) {
            if (nanos >= NANOS[i] || i == UNITS.length - 1) {
                BigDecimal value = BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(NANOS[i])).stripTrailingZeros();
                return value.toPlainString() + UNITS[i];
            }
        }
        throw new IllegalStateException();
    }
}
