package io.lunpool.core.api;

import java.time.Instant;
import java.util.Map;

/** A volume as the REST API shows it; {@code attachedTo} is the host holding it, or null. */
public record VolumeView(String name, String pool, String lun, long sizeBytes, Map<String, String> options,
                         Instant createdAt, String attachedTo) {
}
