package io.lunpool.scheduler;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Reason;
import io.lunpool.core.Sizes;
import io.lunpool.core.VolumeOptions;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.HostRequest;
import io.lunpool.core.api.LeaderView;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.api.PoolView;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.FsType;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.leader.Leadership;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.ZkPaths;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;

/**
 * One control-plane instance: validates what callers ask, sends writes to the leader's batcher (a
 * follower throws {@link NotLeaderException}), and answers reads from the leader's inventory or, on a
 * follower, from the store. REST resources, the CLI and local mode all come through here.
 */
public final class ControlPlane implements AutoCloseable {
    private final StateStore store;
    private final Leadership leadership;
    private final ControlPlaneSettings settings;
    private final StateReader reader;
    private final Timer createTimer;
    private final Timer deleteTimer;
    private final Timer attachTimer;
    private final Timer detachTimer;

    public ControlPlane(CuratorFramework client, ZkPaths paths, StateStore store, String selfUrl,
                        StorageArray array, LunChores chores, ControlPlaneSettings settings, Clock clock,
                        MetricRegistry metrics) {
        this.store = store;
        this.settings = settings;
        this.leadership = new Leadership(client, paths.leader(), selfUrl, token -> {
            LeaderTerm term = new LeaderTerm(store, array, chores, settings.batcher(), settings.parallelChores(),
                    token, clock, metrics);
            if (term.maintainer() != null) {
                term.maintainer().reconcileArray();
                if (!settings.maintainerInterval().isZero()) {
                    term.maintainer().start(settings.maintainerInterval().toMillis());
                }
            }
            return term;
        });
        this.reader = new StateReader(store, leadership);
        this.createTimer = metrics.timer("lunpool.volumes.create");
        this.deleteTimer = metrics.timer("lunpool.volumes.delete");
        this.attachTimer = metrics.timer("lunpool.volumes.attach");
        this.detachTimer = metrics.timer("lunpool.volumes.detach");
        metrics.gauge("lunpool.leader", () -> () -> leadership.isLeader() ? 1 : 0);
        metrics.gauge("lunpool.pools.free", () -> () -> counts(PoolView.Counts::free));
        metrics.gauge("lunpool.pools.failed", () -> () -> counts(PoolView.Counts::failed));
    }

    private java.util.Map<String, Integer> counts(java.util.function.ToIntFunction<PoolView.Counts> which) {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (PoolView p : reader.pools()) {
            out.put(p.name(), which.applyAsInt(p.counts()));
        }
        return out;
    }

    public void start() throws Exception {
        leadership.start();
    }

    public Leadership leadership() {
        return leadership;
    }

    public StateStore store() {
        return store;
    }

    public ControlPlaneSettings settings() {
        return settings;
    }

    /** A create's answer: the volume, and whether this call made it (201) or it existed (200). */
    public record Created(VolumeView volume, boolean created) {
    }

    public Created createVolume(CreateVolumeRequest req) {
        Request.CreateVolume create = createRequest(req);
        Outcome.VolumeOutcome o = (Outcome.VolumeOutcome) createTimer.timeSupplier(() -> write(create));
        return new Created(o.volume(), o.created());
    }

    /**
     * As {@link #createVolume} without waiting: the future completes when the batcher has committed the create,
     * or fails with what {@link #createVolume} throws. A bad request or a follower throws at once.
     */
    public CompletableFuture<Created> createVolumeAsync(CreateVolumeRequest req) {
        Request.CreateVolume create = createRequest(req);
        Timer.Context timing = createTimer.time();
        return term().batcher().submit(create).whenComplete((o, e) -> timing.stop())
                .thenApply(o -> new Created(((Outcome.VolumeOutcome) o).volume(), ((Outcome.VolumeOutcome) o).created()));
    }

    private Request.CreateVolume createRequest(CreateVolumeRequest req) {
        if (req == null) {
            throw LunpoolException.invalid("the request body is missing; send {\"name\": ..., \"pool\": ..., \"size\": ...}");
        }
        String name = Names.volume(req.name());
        String pool = req.pool() == null ? settings.defaultPool() : Names.pool(req.pool());
        long size = req.size() == null ? 0 : Sizes.parse(req.size());
        return new Request.CreateVolume(name, pool, size, VolumeOptions.validate(req.options()),
                Validation.optionalText("requestId", req.requestId()), null);
    }

    public void deleteVolume(String name) {
        Names.volume(name);
        deleteTimer.timeSupplier(() -> write(new Request.DeleteVolume(name)));
    }

    /** As {@link #deleteVolume} without waiting; a bad name or a follower throws at once. */
    public CompletableFuture<Void> deleteVolumeAsync(String name) {
        Names.volume(name);
        Timer.Context timing = deleteTimer.time();
        return term().batcher().submit(new Request.DeleteVolume(name)).whenComplete((o, e) -> timing.stop())
                .thenApply(o -> null);
    }

    public AttachmentView attach(String volume, AttachRequest req) {
        Names.volume(volume);
        if (req == null) {
            throw LunpoolException.invalid("the request body is missing; send {\"host\": ..., \"initiators\": [...]}");
        }
        Request.Attach attach = new Request.Attach(volume, Validation.host(req.host()),
                Validation.initiators(req.initiators()), req.preempt());
        return ((Outcome.AttachmentOutcome) attachTimer.timeSupplier(() -> write(attach))).attachment();
    }

    public void detach(String volume, String host) {
        Request.Detach detach = new Request.Detach(Names.volume(volume), Validation.host(host));
        detachTimer.timeSupplier(() -> write(detach));
    }

    public void registerHost(String host, HostRequest req) {
        HostRequest r = req == null ? new HostRequest(List.of(), java.util.Map.of()) : req;
        write(new Request.PutHost(new Host(Validation.host(host), Validation.initiators(r.initiators()),
                Validation.labels(r.labels()), java.time.Instant.now())));
    }

    public PoolView setPool(String name, PoolRequest req) {
        Names.pool(name);
        PoolPolicy base = reader.pool(name).map(PoolView::policy).orElse(settings.newPoolPolicy());
        write(new Request.PutPool(name, policy(name, req, base)));
        return pool(name);
    }

    /**
     * The policy a pool request sets: the request's fields over {@code base} (the pool's current policy, or the
     * defaults for a new pool), validated. Pure; INVALID naming the problem for a bad name or request.
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

    public List<PoolView> pools() {
        return reader.pools();
    }

    public PoolView pool(String name) {
        Names.pool(name);
        return reader.pool(name).orElseThrow(() -> LunpoolException.notFound("pool '" + name + "' does not exist"));
    }

    public List<VolumeView> volumes() {
        return reader.volumes();
    }

    public VolumeView volume(String name) {
        Names.volume(name);
        return reader.volume(name).orElseThrow(() -> LunpoolException.notFound("volume '" + name + "' does not exist"));
    }

    public LeaderView leader() {
        return new LeaderView(leadership.leaderUrl().orElse(null), leadership.self(), leadership.isLeader());
    }

    /** Moves a FREE or FAILED LUN to WIPING so the maintainer wipes and re-prepares it (admin task). */
    public void wipeLun(String wwn) {
        LeaderTerm term = term();
        var lun = term.inventory().lun(wwn).orElseThrow(() -> LunpoolException.notFound("LUN " + wwn + " is not recorded"));
        LunState from = lun.value().state();
        if (from != LunState.FREE && from != LunState.FAILED) {
            throw LunpoolException.conflict("LUN " + wwn + " is " + from + "; only FREE or FAILED LUNs can be wiped by hand");
        }
        write(new Request.MoveLun(wwn, from, lun.value().withState(LunState.WIPING, null)));
    }

    /** Runs one maintainer pass now; the future completes when its chores are done. */
    public CompletableFuture<Void> runMaintainer() {
        LeaderTerm term = term();
        if (term.maintainer() == null) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "this control plane has no array to maintain pools with");
        }
        return term.maintainer().runOnce();
    }

    private LeaderTerm term() {
        return leadership.term().orElseThrow(() -> new NotLeaderException(leadership.leaderUrl().orElse(null)));
    }

    private Outcome write(Request request) {
        CompletableFuture<Outcome> future = term().batcher().submit(request);
        try {
            return future.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new LunpoolException(Reason.TRANSIENT, "request failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new LunpoolException(Reason.TRANSIENT, "the control plane did not answer within "
                    + settings.requestTimeout().toSeconds() + " s; the request may still complete, retry it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LunpoolException(Reason.TRANSIENT, "interrupted while waiting for the batcher", e);
        }
    }

    /** The term while this instance leads (tests use it to reach the batcher and maintainer). */
    public Optional<LeaderTerm> leaderTerm() {
        return leadership.term();
    }

    @Override
    public void close() {
        leadership.close();
    }
}
