package io.lunpool.core.model;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Sizes;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The per-volume option keys a create accepts besides name, pool and size: {@code fsType} (must match the
 * pool's), and the QoS limits {@code iops} and {@code bps} (stored now, enforced by the backend).
 * Unknown keys are an error that lists the valid ones.
 */
public final class VolumeOptions {
    public static final Set<String> KEYS = Set.of("fsType", "iops", "bps");

    private VolumeOptions() {
    }

    /** Returns the options, validated and sorted; throws INVALID for unknown keys or bad values. */
    public static Map<String, String> validate(Map<String, String> options) {
        Map<String, String> out = new TreeMap<>();
        if (options == null) {
            return out;
        }
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String value = e.getValue();
            if (!KEYS.contains(key)) {
                throw LunpoolException.invalid("unknown option '" + key + "'; valid options are "
                        + String.join(", ", new TreeSet<>(KEYS)) + " (and size, pool)");
            }
            if (value == null || value.isBlank()) {
                throw LunpoolException.invalid("option '" + key + "' has an empty value");
            }
            if (value.length() > 64) {
                throw LunpoolException.invalid("option '" + key + "' is longer than 64 characters");
            }
            switch (key) {
                case "iops" -> positive(key, value);
                case "bps" -> Sizes.parse(value);
                case "fsType" -> FsType.of(value);
                default -> throw new IllegalStateException(key);
            }
            out.put(key, value.trim());
        }
        return out;
    }

    private static void positive(String key, String value) {
        try {
            if (Long.parseLong(value.trim()) > 0) {
                return;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw LunpoolException.invalid("option '" + key + "' must be a positive whole number, not '" + value + "'");
    }
}
