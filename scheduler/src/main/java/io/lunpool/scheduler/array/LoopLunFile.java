package io.lunpool.scheduler.array;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The sidecar {@code <name>.json} of a loop array LUN: its identity. {@code hosts} is read only from sidecars of
 * LUNs carved before mappings got their own file ({@link LoopMappings}); new sidecars leave it out.
 */
record LoopLunFile(String name, String wwn, long sizeBytes,
                   @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> hosts) {
    LoopLunFile {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }

    LoopLunFile(String name, String wwn, long sizeBytes) {
        this(name, wwn, sizeBytes, List.of());
    }
}
