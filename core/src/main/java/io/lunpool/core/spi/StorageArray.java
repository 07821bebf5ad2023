package io.lunpool.core.spi;

import java.util.List;
import java.util.Optional;

/**
 * The array side of a pool: carve LUNs and mask them to hosts. Every call is idempotent by name or wwn,
 * because two control-plane leaders can overlap and a retried call must not carve a second LUN.
 */
public interface StorageArray {
    /** A LUN on the array. {@code backing} is how a host reaches it where wwn alone is not enough (loop). */
    record ArrayLun(String name, String wwn, long sizeBytes, String backing) {
    }

    /**
     * Carves a LUN named {@code name}, or returns the one that already has that name. A carve that fails leaves
     * nothing behind. A full array is EXHAUSTED, naming the array and what is left on it; other failures are
     * ARRAY_ERROR.
     */
    ArrayLun provision(String name, long sizeBytes);

    /** Deletes the LUN; deleting an unknown wwn succeeds. */
    void delete(String wwn);

    /** Masks the LUN to the host's initiators; mapping twice succeeds. Needs no new space on the array. */
    void map(String wwn, String host, List<String> initiators);

    /** Removes the host's mapping; unmapping an unmapped LUN succeeds. Needs no new space on the array. */
    void unmap(String wwn, String host);

    /** Every LUN the array holds for lunpool, for reconciliation with the state in ZooKeeper. */
    List<ArrayLun> list();

    /**
     * Claims the LUN for one chore (prepare, wipe, retire), or returns empty when another holder has it now.
     * The claim fences chores, which act outside ZooKeeper: two leaders overlap briefly, and a deposed one may
     * still run a chore it started, so a chore runs only while it holds its LUN's claim. On a real array the
     * claim is an array-side reservation of the LUN tagged with {@code owner} (the leader term), for instance a
     * SCSI persistent reservation, which the array drops when the holder's session ends. The loop array takes an
     * exclusive lock on the LUN's image file. Taking a claim needs no new space on the array. An unknown wwn, or
     * a LUN whose storage is gone, is NOT_FOUND.
     */
    Optional<LunClaim> tryClaim(String wwn, String owner);

    /**
     * Removes what provisions cut short left on the array: storage without the record that makes it a LUN
     * (on the loop array an image without its sidecar) and temporary files. It runs under the array's own lock,
     * so a provision still under way is never taken for one cut short. Returns what it removed, for the log.
     */
    List<String> removeLeftovers();
}
