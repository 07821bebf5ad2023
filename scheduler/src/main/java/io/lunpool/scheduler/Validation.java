package io.lunpool.scheduler;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import java.util.List;
import java.util.Map;

/** Edge checks for REST inputs that are not names or sizes: list lengths and free-text fields. */
final class Validation {
    static final int MAX_ITEMS = 64;
    static final int MAX_TEXT = 128;

    private Validation() {
    }

    static List<String> initiators(List<String> initiators) {
        if (initiators == null) {
            return List.of();
        }
        if (initiators.size() > MAX_ITEMS) {
            throw LunpoolException.invalid("at most " + MAX_ITEMS + " initiators are allowed, got " + initiators.size());
        }
        for (String i : initiators) {
            text("initiator", i);
        }
        return List.copyOf(initiators);
    }

    static Map<String, String> labels(Map<String, String> labels) {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_ITEMS) {
            throw LunpoolException.invalid("at most " + MAX_ITEMS + " labels are allowed, got " + labels.size());
        }
        labels.forEach((k, v) -> {
            text("label key", k);
            text("label value", v);
        });
        return Map.copyOf(labels);
    }

    static String text(String what, String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_TEXT
                || value.chars().anyMatch(Character::isISOControl)) {
            throw LunpoolException.invalid(what + " must be 1 to " + MAX_TEXT + " characters without control characters");
        }
        return value;
    }

    static String optionalText(String what, String value) {
        return value == null ? null : text(what, value);
    }

    static String host(String host) {
        return Names.host(host);
    }
}
