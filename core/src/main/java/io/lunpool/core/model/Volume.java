package io.lunpool.core.model;

import java.time.Instant;
import java.util.Map;

/** A named volume: one CLAIMED LUN of a pool, with the options it was created with. */
public record Volume(String name, String pool, String lun, long sizeBytes, Map<String, String> options,
                     Instant createdAt, String requestId) {
    public Volume {
        options = options == null ? Map.of() : Map.copyOf(options);
    }
}
