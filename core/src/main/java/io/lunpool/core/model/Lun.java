package io.lunpool.core.model;

/**
 * A LUN of a pool. {@code backing} is where the host finds it (the loop array's file; empty for FC,
 * which finds devices by wwn); {@code volume} is set while CLAIMED; {@code failure} says why it is FAILED.
 */
public record Lun(String wwn, String pool, LunState state, String volume, String backing, long sizeBytes,
                  String failure) {
    public Lun withState(LunState next, String volumeName) {
        return new Lun(wwn, pool, next, volumeName, backing, sizeBytes, null);
    }

    public Lun failed(String why) {
        return new Lun(wwn, pool, LunState.FAILED, null, backing, sizeBytes, why);
    }

    public LunTarget target() {
        return new LunTarget(wwn, backing);
    }
}
