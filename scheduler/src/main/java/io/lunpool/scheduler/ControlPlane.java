package io.lunpool.scheduler;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Reason;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.HostRequest;
import io.lunpool.core.api.LeaderView;
import io.lunpool.core.api.PoolRequest;
import io.lunpool.core.api.PoolView;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.spi.LunChores;
import io.lunpool.core.spi.StorageArray;
import io.lunpool.scheduler.batch.Outcome;
import io.lunpool.scheduler.batch.Request;
import io.lunpool.scheduler.leader.InstanceLock;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.leader.Leadership;
import io.lunpool.scheduler.leader.TermStarter;
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
 * One control-plane instance: checks what callers ask through the {@link RequestTranslator}, sends
 * writes to the leader's batcher (a follower throws {@link NotLeaderException}) and waits for the answer
 * up to the request timeout, and answers reads from the leader's inventory or, on a follower, from the
 * store. REST resources, the CLI and local mode all come through here.
 */
public final class ControlPlane implements AutoCloseable {
    private final Leadership leadership;
    private final ControlPlaneSettings settings;
    private final Clock clock;
    private final RequestTranslator translator;
    private final StateReader reader;
    private final ControlPlaneMetrics metrics;

    /** An instance without an {@link InstanceLock}: after a restart it waits for its old session to expire. */
    public ControlPlane(CuratorFramework client, ZkPaths paths, StateStore store, String selfUrl,
                        StorageArray array, LunChores chores, ControlPlaneSettings settings, Clock clock,
                        MetricRegistry metrics) {
        this(client, paths, store, selfUrl, array, chores, settings, clock, metrics, null);
    }

    /**
     * {@code lock}, held by this process for the instance {@code selfUrl}, lets it delete the election node a
     * killed predecessor left, so it leads again at once after a restart.
     */
    public ControlPlane(CuratorFramework client, ZkPaths paths, StateStore store, String selfUrl,
                        StorageArray array, LunChores chores, ControlPlaneSettings settings, Clock clock,
                        MetricRegistry metrics, InstanceLock lock) {
        this.settings = settings;
        this.clock = clock;
        this.translator = new RequestTranslator(settings.defaultPool());
        this.leadership = new Leadership(client, paths.leader(), selfUrl, new TermStarter(store, array, chores,
                settings.batcher(), settings.parallelChores(), settings.maintainerInterval(), clock, metrics), lock);
        this.reader = new StateReader(store, leadership);
        this.metrics = new ControlPlaneMetrics(metrics, leadership, reader::pools);
    }

    public void start() throws Exception {
        leadership.start();
    }

    public Leadership leadership() {
        return leadership;
    }

    /** A create's answer: the volume, and whether this call made it (201) or it existed (200). */
    public record Created(VolumeView volume, boolean created) {
    }

    public Created createVolume(CreateVolumeRequest req) {
        return await(createVolumeAsync(req));
    }

    /**
     * Submits a create and returns without waiting. A bad request (INVALID) and a follower
     * ({@link NotLeaderException}) throw here, before anything is submitted; what is decided after
     * submission (NOT_FOUND, CONFLICT, EXHAUSTED, TRANSIENT when the term ends, ...) fails the future, with
     * that {@link LunpoolException} as the cause of the {@link CompletionException} that {@code join()} throws.
     */
    public CompletableFuture<Created> createVolumeAsync(CreateVolumeRequest req) {
        return submit(translator.createVolume(req), metrics.create).thenApply(o -> {
            Outcome.VolumeOutcome v = (Outcome.VolumeOutcome) o;
            return new Created(v.volume(), v.created());
        });
    }

    public void deleteVolume(String name) {
        await(deleteVolumeAsync(name));
    }

    /** Submits a delete and returns without waiting; errors are split as for {@link #createVolumeAsync}. */
    public CompletableFuture<Void> deleteVolumeAsync(String name) {
        return submit(translator.deleteVolume(name), metrics.delete).thenApply(o -> null);
    }

    public AttachmentView attach(String volume, AttachRequest req) {
        return ((Outcome.AttachmentOutcome) await(submit(translator.attach(volume, req), metrics.attach)))
                .attachment();
    }

    public void detach(String volume, String host) {
        await(submit(translator.detach(volume, host), metrics.detach));
    }

    public void registerHost(String host, HostRequest req) {
        await(submit(translator.registerHost(host, req, clock.instant()), null));
    }

    public PoolView setPool(String name, PoolRequest req) {
        Names.pool(name); // before the name reaches the store
        // a follower redirects before it reads anything; the leader fills the fields left out from its inventory
        PoolPolicy base = term().inventory().pool(name).map(p -> p.value()).orElse(settings.newPoolPolicy());
        await(submit(translator.setPool(name, req, base), null));
        return pool(name);
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
        await(submit(new Request.MoveLun(wwn, from, lun.value().withState(LunState.WIPING, null)), null));
    }

    /** Runs one maintainer pass now; the future completes when its chores are done. */
    public CompletableFuture<Void> runMaintainer() {
        LeaderTerm term = term();
        if (term.maintainer() == null) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "this control plane has no array to maintain pools with");
        }
        return term.maintainer().runOnce();
    }

    /** The term while this instance leads (tests use it to reach the batcher and maintainer). */
    public Optional<LeaderTerm> leaderTerm() {
        return leadership.term();
    }

    @Override
    public void close() {
        leadership.close();
    }

    private LeaderTerm term() {
        return leadership.term().orElseThrow(() -> new NotLeaderException(leadership.leaderUrl().orElse(null),
                leadership.electedButNotLeading()));
    }

    /** Hands the request to this term's batcher; {@code timer}, when given, runs until the answer. */
    private CompletableFuture<Outcome> submit(Request request, Timer timer) {
        Timer.Context timing = timer == null ? null : timer.time();
        CompletableFuture<Outcome> answer;
        try {
            answer = term().batcher().submit(request);
        } catch (RuntimeException e) {
            if (timing != null) {
                timing.stop();
            }
            throw e;
        }
        return timing == null ? answer : answer.whenComplete((o, e) -> timing.stop());
    }

    /** Waits for an answer up to the request timeout; a failure is rethrown as the exception it carries. */
    private <T> T await(CompletableFuture<T> future) {
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
}
