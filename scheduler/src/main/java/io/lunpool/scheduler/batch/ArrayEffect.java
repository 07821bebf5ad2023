package io.lunpool.scheduler.batch;

import java.util.List;

/**
 * An array call a plan needs, made for the request {@code owner} (its index in the batch): before the commit the
 * unmaps of a preempted host, then the maps; after it the unmaps of detaches.
 */
public sealed interface ArrayEffect {
    int owner();

    record MapLun(String wwn, String host, List<String> initiators, int owner) implements ArrayEffect {
    }

    record UnmapLun(String wwn, String host, int owner) implements ArrayEffect {
    }
}
