package io.lunpool.scheduler.batch;

import java.util.List;

/** An array call a plan needs: maps run before its commit, unmaps after it. */
public sealed interface ArrayEffect {
    record MapLun(String wwn, String host, List<String> initiators, int owner) implements ArrayEffect {
    }

    record UnmapLun(String wwn, String host) implements ArrayEffect {
    }
}
