package io.lunpool.scheduler.mesos.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One entry of a resource's reservation stack: who reserved it for which role, with which labels. */
public record ResourceReservation(Type type, String role, Optional<String> principal, Map<String, String> labels) {
    public enum Type { STATIC, DYNAMIC }

    public ResourceReservation {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(role, "role");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
