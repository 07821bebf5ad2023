package io.lunpool.core.spi;

import java.util.List;

/**
 * The array side of a pool: carve LUNs and mask them to hosts. Every call is idempotent by name or wwn,
 * because two control-plane leaders can overlap and a retried call must not carve a second LUN.
 */
public interface StorageArray {
    /** A LUN on the array. {@code backing} is how a host reaches it where wwn alone is not enough (loop). */
    record ArrayLun(String name, String wwn, long sizeBytes, String backing) {
    }

    /** Carves a LUN named {@code name}, or returns the one that already has that name. */
    ArrayLun provision(String name, long sizeBytes);

    /** Deletes the LUN; deleting an unknown wwn succeeds. */
    void delete(String wwn);

    /** Masks the LUN to the host's initiators; mapping twice succeeds. */
    void map(String wwn, String host, List<String> initiators);

    /** Removes the host's mapping; unmapping an unmapped LUN succeeds. */
    void unmap(String wwn, String host);

    /** Every LUN the array holds for lunpool, for reconciliation with the state in ZooKeeper. */
    List<ArrayLun> list();
}
