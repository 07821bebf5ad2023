package io.lunpool.scheduler.array;

import java.util.List;

/** The sidecar {@code <name>.json} of a loop array LUN: its identity and the hosts it is masked to. */
record LoopLunFile(String name, String wwn, long sizeBytes, List<String> hosts) {
    LoopLunFile {
        hosts = List.copyOf(hosts);
    }

    LoopLunFile withHosts(List<String> next) {
        return new LoopLunFile(name, wwn, sizeBytes, next);
    }
}
