package io.lunpool.core.spi;

import io.lunpool.core.model.FsType;
import io.lunpool.core.model.LunTarget;
import java.util.List;

/**
 * Work the pool maintainer needs done on a host: in local mode in-process, in a Mesos cluster by the
 * executor on an agent. Each call attaches the LUN, does its work and detaches it again.
 */
public interface LunChores {
    /** Makes the pool's filesystem on a LUN. */
    void prepare(LunTarget lun, FsType fsType, List<String> mkfsOptions);

    /**
     * Zeroes the whole LUN and reads it back; throws HOST_ERROR when a non-zero byte remains, so the
     * LUN is never handed to a new tenant with a previous tenant's data.
     */
    void wipe(LunTarget lun);
}
