package io.lunpool.core;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes with units, as users type them: {@code 64M}, {@code 1G}, {@code 1.5GiB}, {@code 1073741824}.
 * Units are binary (K = 1024) and case-insensitive, as in Docker's own size options; a bare number is bytes.
 */
public final class Sizes {
    /** Larger sizes than this (1 EiB) are refused as a typo rather than honoured. */
    public static final long MAX_BYTES = 1L << 60;
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?");

    private Sizes() {
    }

    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw LunpoolException.invalid("size is empty; give a size such as 64M, 10G or 1T");
        }
        String trimmed = text.trim();
        if (trimmed.startsWith("-")) {
            throw LunpoolException.invalid("size '" + text + "' is negative; give a positive size such as 64M");
        }
        Matcher m = SIZE.matcher(trimmed.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw LunpoolException.invalid("size '" + text + "' cannot be parsed; give a number with an optional unit"
                    + " K, M, G, T or P (binary), such as 64M or 1.5G");
        }
        int shift = switch (m.group(2)) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 50;
        };
        java.math.BigDecimal bytes = new java.math.BigDecimal(m.group(1))
                .multiply(java.math.BigDecimal.valueOf(2).pow(shift))
                .setScale(0, java.math.RoundingMode.CEILING);
        if (bytes.signum() <= 0) {
            throw LunpoolException.invalid("size '" + text + "' is zero; give a positive size such as 64M");
        }
        if (bytes.compareTo(java.math.BigDecimal.valueOf(MAX_BYTES)) > 0) {
            throw LunpoolException.invalid("size '" + text + "' is larger than the largest allowed size, 1 EiB");
        }
        return bytes.longValueExact();
    }

    /** Renders bytes with the largest binary unit that divides them exactly: 67108864 → 64M. */
    public static String format(long bytes) {
        String[] units = {"", "K", "M", "G", "T", "P"};
        int unit = 0;
        long value = bytes;
        while (unit < units.length - 1 && value != 0 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return value + units[unit];
    }
}
