package io.lunpool.core.spi;

import io.lunpool.core.model.LunTarget;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The host side of an attach: make a mapped LUN appear as a block device, and make it go away.
 * The loop connector attaches the array's backing file with losetup; the FC connector rescans and finds
 * the device by wwn. Both calls are idempotent.
 */
public interface HostConnector {
    /** Returns the block device of the LUN, attaching it first when it is not there yet. */
    Path connect(LunTarget lun);

    /** The block device of the LUN if it is attached on this host. */
    Optional<Path> find(LunTarget lun);

    /** Flushes and removes the block device; succeeds when it is not attached. */
    void disconnect(LunTarget lun);
}
