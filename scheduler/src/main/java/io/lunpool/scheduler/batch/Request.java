package io.lunpool.scheduler.batch;

import io.lunpool.core.model.Host;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import java.util.List;
import java.util.Map;

/**
 * A write the leader's batcher commits. Inputs are already validated at the edge (names, sizes, option
 * keys); what depends on state (pool exists, size fits, volume attached) is decided by {@link BatchPlanner}.
 */
public sealed interface Request {
    /** Claim a FREE LUN of the pool for a new volume. sizeBytes 0 means the pool's LUN size. */
    record CreateVolume(String name, String pool, long sizeBytes, Map<String, String> options, String requestId,
                        String reservedLun) implements Request {
        public CreateVolume withReservedLun(String wwn) {
            return new CreateVolume(name, pool, sizeBytes, options, requestId, wwn);
        }
    }

    record DeleteVolume(String name) implements Request {
    }

    record Attach(String volume, String host, List<String> initiators, boolean preempt) implements Request {
    }

    record Detach(String volume, String host) implements Request {
    }

    record PutPool(String name, PoolPolicy policy) implements Request {
    }

    record PutHost(Host host) implements Request {
    }

    /** Maintainer: record a LUN it provisioned on the array. */
    record AddLun(Lun lun) implements Request {
    }

    /** Maintainer: move a LUN on, only if it is still in state {@code from}. */
    record MoveLun(String wwn, LunState from, Lun next) implements Request {
    }

    /** Maintainer: forget a LUN (retired from the pool), only if it is still in state {@code from}. */
    record RemoveLun(String wwn, LunState from) implements Request {
    }
}
