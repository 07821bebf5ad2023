package io.lunpool.executor.mesos;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Durations in stout's format, as the Mesos agent writes them into an executor's environment
 * ({@code MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD=5secs}): a non-negative decimal number, possibly fractional
 * ({@code 1.5secs}), directly followed by one of the units {@code ns, us, ms, secs, mins, hrs, days, weeks}.
 * Anything else (no number, a sign, a space, an unknown unit) is refused with the text and the units named.
 */
public final class StoutDuration {
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of(
            "ns", 1L,
            "us", 1_000L,
            "ms", 1_000_000L,
            "secs", 1_000_000_000L,
            "mins", 60_000_000_000L,
            "hrs", 3_600_000_000_000L,
            "days", 86_400_000_000_000L,
            "weeks", 604_800_000_000_000L);

    private StoutDuration() {
    }

    /** The duration, or an {@link IllegalArgumentException} saying what is wrong with {@code text}. */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a duration is empty; write a number and a unit, such as 5secs");
        }
        int i = 0;
        while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
            i++;
        }
        String number = text.substring(0, i);
        String unit = text.substring(i);
        if (number.isEmpty() || number.chars().filter(c -> c == '.').count() > 1 || number.equals(".")) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: it must start with a number"
                    + " (such as 5secs or 1.5mins)");
        }
        Long perUnit = NANOS_PER_UNIT.get(unit);
        if (perUnit == null) {
            throw new IllegalArgumentException("'" + text + "' has the unknown duration unit '" + unit
                    + "'; the units are ns, us, ms, secs, mins, hrs, days, weeks");
        }
        BigDecimal nanos = new BigDecimal(number).multiply(BigDecimal.valueOf(perUnit));
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
        return Duration.ofNanos(nanos.longValue());
    }
}
