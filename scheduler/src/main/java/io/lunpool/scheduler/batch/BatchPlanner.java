package io.lunpool.scheduler.batch;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.Sizes;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.state.Views;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.Versioned;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides a batch: for each request either the writes it makes (all of the batch's writes go into one
 * transaction) or an answer without writes, or an error that fails that request alone. Pure: it reads
 * the {@link Inventory} and returns a {@link BatchPlan}; the {@link Batcher} carries it out, behind the
 * term's fence and marker, which the plan leaves out.
 */
public final class BatchPlanner {
    private final Clock clock;

    public BatchPlanner(Clock clock) {
        this.clock = clock;
    }

    BatchPlan plan(Inventory inventory, List<Request> requests) {
        Overlay overlay = new Overlay(inventory);
        List<Decision> decisions = new ArrayList<>(requests.size());
        List<ArrayEffect> before = new ArrayList<>();
        List<ArrayEffect> after = new ArrayList<>();
        Map<String, Integer> slowPathNeeds = new HashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            overlay.owner(i);
            Decision d;
            try {
                d = decide(inventory, overlay, requests.get(i), before, after, slowPathNeeds);
            } catch (LunpoolException e) {
                d = new Decision.Fail(e);
            }
            decisions.add(d);
        }
        return new BatchPlan(List.copyOf(overlay.ops()), List.copyOf(overlay.owners()),
                List.copyOf(overlay.changes()), decisions, before, after);
    }

    private Decision decide(Inventory inv, Overlay o, Request request, List<ArrayEffect> before,
                            List<ArrayEffect> after, Map<String, Integer> slowPathNeeds) {
        if (request instanceof Request.CreateVolume c) {
            return create(inv, o, c, slowPathNeeds);
        } else if (request instanceof Request.DeleteVolume d) {
            return delete(o, d);
        } else if (request instanceof Request.Attach a) {
            return attach(o, a, before, after);
        } else if (request instanceof Request.Detach d) {
            return detach(o, d, after);
        } else if (request instanceof Request.PutPool p) {
            return putPool(inv, o, p);
        } else if (request instanceof Request.PutHost h) {
            o.put(Kind.HOST, h.host().name(), h.host());
            return answer(Outcome.DONE);
        } else if (request instanceof Request.AddLun a) {
            return addLun(o, a);
        } else if (request instanceof Request.MoveLun m) {
            return moveLun(o, m);
        } else if (request instanceof Request.RemoveLun r) {
            return removeLun(o, r);
        }
        throw new IllegalArgumentException("unknown request " + request);
    }

    private Decision create(Inventory inv, Overlay o, Request.CreateVolume c, Map<String, Integer> slowPathNeeds) {
        PoolPolicy policy = o.get(Kind.POOL, c.pool()).map(Versioned::value).orElseThrow(() ->
                LunpoolException.notFound("pool '" + c.pool() + "' does not exist; create it first with "
                        + "PUT /v1/pools/" + c.pool() + " (lunpool pool set " + c.pool() + ")"));
        if (c.sizeBytes() > policy.lunSizeBytes()) {
            throw LunpoolException.invalid("size " + Sizes.format(c.sizeBytes()) + " does not fit pool '" + c.pool()
                    + "', whose LUNs are " + Sizes.format(policy.lunSizeBytes()) + "; ask for at most that or use"
                    + " a pool of bigger LUNs");
        }
        String fsType = c.options().get("fsType");
        if (fsType != null && !fsType.equalsIgnoreCase(policy.fsType().id())) {
            throw LunpoolException.invalid("pool '" + c.pool() + "' pre-makes " + policy.fsType().id()
                    + " filesystems; fsType " + fsType + " is not available in it");
        }
        Optional<Versioned<Volume>> existing = o.get(Kind.VOLUME, c.name());
        if (existing.isPresent()) {
            Volume v = existing.get().value();
            if (v.pool().equals(c.pool()) && v.options().equals(c.options())) {
                // the same requestId is the same call made again (a retry after an unknown outcome): it made the volume
                boolean sameCall = c.requestId() != null && c.requestId().equals(v.requestId());
                return answer(new Outcome.VolumeOutcome(view(o, v), sameCall));
            }
            throw LunpoolException.conflict("volume '" + c.name() + "' already exists in pool '" + v.pool()
                    + "' with options " + v.options() + "; remove it first or use another name");
        }
        Versioned<Lun> lun;
        if (c.reservedLun() != null) {
            lun = o.get(Kind.LUN, c.reservedLun()).filter(l -> l.value().state() == LunState.PREPARING
                    && l.value().pool().equals(c.pool())).orElseThrow(() -> new LunpoolException(Reason.TRANSIENT,
                    "the LUN provisioned for volume '" + c.name() + "' is gone; retry the create"));
        } else {
            Optional<Versioned<Lun>> free = o.takeFree(c.pool());
            if (free.isEmpty()) {
                int wanted = slowPathNeeds.merge(c.pool(), 1, Integer::sum);
                int room = policy.maxLuns() == 0 ? Integer.MAX_VALUE
                        : policy.maxLuns() - inv.totalLuns(c.pool()) - inv.provisioning(c.pool()).get();
                if (wanted > room) {
                    throw new LunpoolException(Reason.EXHAUSTED, "pool '" + c.pool() + "' has no FREE LUN and holds"
                            + " its maximum of " + policy.maxLuns() + " LUNs; raise maxLuns or remove volumes");
                }
                return new Decision.NeedsLun(c.pool());
            }
            lun = free.get();
        }
        Volume volume = new Volume(c.name(), c.pool(), lun.key(), policy.lunSizeBytes(), c.options(),
                clock.instant(), c.requestId());
        o.set(Kind.LUN, lun, lun.value().withState(LunState.CLAIMED, c.name()));
        o.create(Kind.VOLUME, c.name(), volume);
        return answer(new Outcome.VolumeOutcome(Views.volume(volume, null), true));
    }

    private Decision delete(Overlay o, Request.DeleteVolume d) {
        Versioned<Volume> volume = o.get(Kind.VOLUME, d.name()).orElseThrow(() ->
                LunpoolException.notFound("volume '" + d.name() + "' does not exist"));
        o.get(Kind.ATTACHMENT, d.name()).ifPresent(a -> {
            throw new LunpoolException(Reason.IN_USE, "volume '" + d.name() + "' is attached to host '"
                    + a.value().host() + "'; unmount it there (or detach it) before removing it");
        });
        o.get(Kind.LUN, volume.value().lun()).ifPresent(lun ->
                o.set(Kind.LUN, lun, lun.value().withState(LunState.WIPING, null)));
        o.delete(Kind.VOLUME, volume);
        return answer(Outcome.DONE);
    }

    private Decision attach(Overlay o, Request.Attach a, List<ArrayEffect> before, List<ArrayEffect> after) {
        Volume volume = o.get(Kind.VOLUME, a.volume()).map(Versioned::value).orElseThrow(() ->
                LunpoolException.notFound("volume '" + a.volume() + "' does not exist"));
        Lun lun = o.get(Kind.LUN, volume.lun()).map(Versioned::value).orElseThrow(() ->
                new LunpoolException(Reason.ARRAY_ERROR, "volume '" + a.volume() + "' has no LUN record ("
                        + volume.lun() + ")"));
        PoolPolicy policy = o.get(Kind.POOL, volume.pool()).map(Versioned::value).orElse(null);
        Optional<Versioned<Attachment>> current = o.get(Kind.ATTACHMENT, a.volume());
        if (current.isPresent() && current.get().value().host().equals(a.host())) {
            return answer(new Outcome.AttachmentOutcome(Views.attachment(current.get().value(), lun, policy)));
        }
        Attachment next;
        if (current.isPresent()) {
            String holder = current.get().value().host();
            if (!a.preempt()) {
                throw new LunpoolException(Reason.IN_USE, "volume '" + a.volume() + "' is attached to host '"
                        + holder + "'; unmount it there or pass preempt=true");
            }
            next = new Attachment(a.volume(), a.host(), a.initiators(), clock.instant(), holder);
            o.set(Kind.ATTACHMENT, current.get(), next);
            // the old host loses the LUN before the new attachment is recorded: never two hosts on one filesystem
            before.add(new ArrayEffect.UnmapLun(lun.wwn(), holder, o.owner()));
        } else {
            next = new Attachment(a.volume(), a.host(), a.initiators(), clock.instant(), null);
            o.create(Kind.ATTACHMENT, a.volume(), next);
        }
        before.add(new ArrayEffect.MapLun(lun.wwn(), a.host(), a.initiators(), o.owner()));
        return answer(new Outcome.AttachmentOutcome(Views.attachment(next, lun, policy)));
    }

    private Decision detach(Overlay o, Request.Detach d, List<ArrayEffect> after) {
        Optional<Versioned<Attachment>> current = o.get(Kind.ATTACHMENT, d.volume());
        if (current.isPresent() && current.get().value().host().equals(d.host())) {
            o.delete(Kind.ATTACHMENT, current.get());
            o.get(Kind.VOLUME, d.volume()).ifPresent(v -> after.add(new ArrayEffect.UnmapLun(v.value().lun(), d.host(),
                    o.owner())));
        }
        return answer(Outcome.DONE);
    }

    private Decision putPool(Inventory inv, Overlay o, Request.PutPool p) {
        Optional<Versioned<PoolPolicy>> current = o.get(Kind.POOL, p.name());
        if (current.isPresent() && inv.totalLuns(p.name()) > 0) {
            PoolPolicy old = current.get().value();
            if (old.lunSizeBytes() != p.policy().lunSizeBytes() || old.fsType() != p.policy().fsType()) {
                throw LunpoolException.conflict("pool '" + p.name() + "' already holds " + inv.totalLuns(p.name())
                        + " LUNs of " + Sizes.format(old.lunSizeBytes()) + " " + old.fsType().id()
                        + "; lunSize and fsType cannot change, create another pool");
            }
        }
        o.put(Kind.POOL, p.name(), p.policy());
        return answer(Outcome.DONE);
    }

    private Decision addLun(Overlay o, Request.AddLun a) {
        Optional<Versioned<Lun>> current = o.get(Kind.LUN, a.lun().wwn());
        if (current.isPresent()) {
            if (current.get().value().equals(a.lun())) {
                return answer(Outcome.DONE);
            }
            throw LunpoolException.conflict("LUN " + a.lun().wwn() + " is already recorded");
        }
        o.create(Kind.LUN, a.lun().wwn(), a.lun());
        return answer(Outcome.DONE);
    }

    private Decision moveLun(Overlay o, Request.MoveLun m) {
        Versioned<Lun> lun = lunIn(o, m.wwn(), m.from());
        o.set(Kind.LUN, lun, m.next());
        return answer(Outcome.DONE);
    }

    private Decision removeLun(Overlay o, Request.RemoveLun r) {
        if (o.get(Kind.LUN, r.wwn()).isEmpty()) {
            return answer(Outcome.DONE);
        }
        o.delete(Kind.LUN, lunIn(o, r.wwn(), r.from()));
        return answer(Outcome.DONE);
    }

    private static Versioned<Lun> lunIn(Overlay o, String wwn, LunState state) {
        Versioned<Lun> lun = o.get(Kind.LUN, wwn).orElseThrow(() ->
                LunpoolException.notFound("LUN " + wwn + " is not recorded"));
        if (lun.value().state() != state) {
            throw LunpoolException.conflict("LUN " + wwn + " is " + lun.value().state() + ", not " + state);
        }
        return lun;
    }

    private static io.lunpool.core.api.VolumeView view(Overlay o, Volume v) {
        return Views.volume(v, o.get(Kind.ATTACHMENT, v.name()).map(Versioned::value).orElse(null));
    }

    private static Decision answer(Outcome outcome) {
        return new Decision.Answer(outcome);
    }
}
