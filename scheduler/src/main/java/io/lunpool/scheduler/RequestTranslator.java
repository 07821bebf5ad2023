package io.lunpool.scheduler;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Sizes;
import io.lunpool.core.model.VolumeOptions;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.HostRequest;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.scheduler.batch.Request;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Turns what callers send (the REST request records and names from the path) into validated
 * {@link Request}s for the batcher. Pure: it reads no state, so what depends on state (the pool exists,
 * the size fits) is left to the planner. Bad input throws INVALID naming the field and the fix.
 */
public final class RequestTranslator {
    private final String defaultPool;

    /** {@code defaultPool} serves creates that name no pool. */
    RequestTranslator(String defaultPool) {
        this.defaultPool = defaultPool;
    }

    Request.CreateVolume createVolume(CreateVolumeRequest req) {
        if (req == null) {
            throw LunpoolException.invalid("the request body is missing; send {\"name\": ..., \"pool\": ..., \"size\": ...}");
        }
        String name = Names.volume(req.name());
        String pool = req.pool() == null ? defaultPool : Names.pool(req.pool());
        long size = req.size() == null ? 0 : Sizes.parse(req.size());
        return new Request.CreateVolume(name, pool, size, VolumeOptions.validate(req.options()),
                Validation.optionalText("requestId", req.requestId()), null);
    }

    Request.DeleteVolume deleteVolume(String name) {
        return new Request.DeleteVolume(Names.volume(name));
    }

    Request.Attach attach(String volume, AttachRequest req) {
        Names.volume(volume);
        if (req == null) {
            throw LunpoolException.invalid("the request body is missing; send {\"host\": ..., \"initiators\": [...]}");
        }
        return new Request.Attach(volume, Validation.host(req.host()), Validation.initiators(req.initiators()),
                req.preempt());
    }

    Request.Detach detach(String volume, String host) {
        return new Request.Detach(Names.volume(volume), Validation.host(host));
    }

    /** A missing body registers the host with no initiators and no labels; {@code now} is its registration time. */
    Request.PutHost registerHost(String host, HostRequest req, Instant now) {
        HostRequest r = req == null ? new HostRequest(List.of(), Map.of()) : req;
        return new Request.PutHost(new Host(Validation.host(host), Validation.initiators(r.initiators()),
                Validation.labels(r.labels()), now, Validation.optionalText("agentId", r.agentId())));
    }

    /** {@code base} is the pool's current policy, or the defaults for a new pool. */
    Request.PutPool setPool(String name, PoolRequest req, PoolPolicy base) {
        return new Request.PutPool(name, policy(name, req, base));
    }

    /**
     * The policy a pool request sets: the request's fields over {@code base} (the pool's current policy, or the
     * defaults for a new pool), validated. INVALID naming the problem for a bad name or request.
     */
    public static PoolPolicy policy(String name, PoolRequest req, PoolPolicy base) {
        Names.pool(name);
        if (req == null) {
            throw LunpoolException.invalid("the request body is missing; send {\"lunSize\": \"1G\", \"minFree\": 2, ...}");
        }
        return new PoolPolicy(
                req.lunSize() == null ? base.lunSizeBytes() : Sizes.parse(req.lunSize()),
                req.minFree() == null ? base.minFree() : req.minFree(),
                req.maxFree() == null ? base.maxFree() : req.maxFree(),
                req.fsType() == null ? base.fsType() : FsType.of(req.fsType()),
                req.mkfsOptions() == null ? base.mkfsOptions() : req.mkfsOptions(),
                req.maxLuns() == null ? base.maxLuns() : req.maxLuns()).validate();
    }
}
