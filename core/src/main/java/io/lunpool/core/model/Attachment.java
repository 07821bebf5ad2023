package io.lunpool.core.model;

import java.time.Instant;
import java.util.List;

/** A volume's LUN mapped to one host; {@code preemptedHost} names the host it was taken from, if any. */
public record Attachment(String volume, String host, List<String> initiators, Instant since, String preemptedHost) {
    public Attachment {
        initiators = initiators == null ? List.of() : List.copyOf(initiators);
    }
}
