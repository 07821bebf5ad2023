package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Sizes;
import io.lunpool.core.model.VolumeOptions;
import io.lunpool.core.api.CreateVolumeRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a plugin {@code Create}'s {@code Opts} into a {@link CreateVolumeRequest}. Valid keys are
 * {@code size} (with units, normalised so {@code 1G} and {@code 1024M} are the same request), {@code pool},
 * {@code fsType}, {@code iops} and {@code bps}, matched case-insensitively; anything else is INVALID and the
 * message lists the valid keys. {@code Opts: null} is an empty map. Without {@code pool} the configured default
 * pool is used (null leaves the choice to the control plane).
 */
public final class CreateOptions {
    public static final Set<String> KEYS = Set.of("size", "pool", "fsType", "iops", "bps");

    private CreateOptions() {
    }

    public static CreateVolumeRequest toRequest(String name, Map<String, String> opts, String defaultPool) {
        Names.volume(name);
        String pool = defaultPool;
        String size = null;
        Map<String, String> rest = new HashMap<>();
        Map<String, String> seen = new TreeMap<>();
        for (Map.Entry<String, String> e : (opts == null ? Map.<String, String>of() : opts).entrySet()) {
            String key = canonical(e.getKey());
            if (seen.put(key, e.getKey()) != null) {
                throw LunpoolException.invalid("option '" + key + "' is given twice (as '" + seen.get(key)
                        + "' and '" + e.getKey() + "')");
            }
            String value = e.getValue();
            switch (key) {
                case "size" -> size = Sizes.format(Sizes.parse(value));
                case "pool" -> pool = Names.pool(value == null ? null : value.trim());
                default -> rest.put(key, value);
            }
        }
        return new CreateVolumeRequest(name, pool, size, VolumeOptions.validate(rest), null);
    }

    private static String canonical(String key) {
        if (key != null) {
            for (String k : KEYS) {
                if (k.toLowerCase(Locale.ROOT).equals(key.trim().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
        }
        throw LunpoolException.invalid("unknown option '" + key + "'; valid options are "
                + String.join(", ", new TreeSet<>(KEYS)));
    }
}
