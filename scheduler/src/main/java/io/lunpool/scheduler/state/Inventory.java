package io.lunpool.scheduler.state;

import io.lunpool.core.api.PoolView;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Host;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.PoolPolicy;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The leader's copy of the state, loaded from the store when it takes the lead and changed only by the
 * batcher after each commit. Readers on other threads (REST, maintainer, metrics) see each record
 * atomically; the FREE sets are for the batcher thread alone.
 */
public final class Inventory {
    private final Map<String, Versioned<PoolPolicy>> pools = new ConcurrentHashMap<>();
    private final Map<String, Versioned<Lun>> luns = new ConcurrentHashMap<>();
    private final Map<String, Versioned<Volume>> volumes = new ConcurrentHashMap<>();
    private final Map<String, Versioned<Attachment>> attachments = new ConcurrentHashMap<>();
    private final Map<String, Versioned<Host>> hosts = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> free = new ConcurrentHashMap<>();
    private final Map<String, AtomicIntegerArray> counts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> provisioning = new ConcurrentHashMap<>();

    public static Inventory load(StateStore store) {
        Inventory inv = new Inventory();
        for (Kind<?> kind : Kind.all()) {
            load(inv, store, kind);
        }
        return inv;
    }

    private static <T> void load(Inventory inv, StateStore store, Kind<T> kind) {
        for (Versioned<T> v : store.list(kind)) {
            inv.apply(kind, v.key(), v);
        }
    }

    public Optional<Versioned<PoolPolicy>> pool(String name) {
        return Optional.ofNullable(pools.get(name));
    }

    public List<String> poolNames() {
        return pools.keySet().stream().sorted().toList();
    }

    public Optional<Versioned<Lun>> lun(String wwn) {
        return Optional.ofNullable(luns.get(wwn));
    }

    public Collection<Versioned<Lun>> luns() {
        return new ArrayList<>(luns.values());
    }

    public Optional<Versioned<Volume>> volume(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    public Optional<Versioned<Attachment>> attachment(String volume) {
        return Optional.ofNullable(attachments.get(volume));
    }

    public Optional<Versioned<Host>> host(String name) {
        return Optional.ofNullable(hosts.get(name));
    }

    /** Every record of a kind, sorted by key (to compare the inventory with the store). */
    @SuppressWarnings("unchecked")
    public <T> List<Versioned<T>> list(Kind<T> kind) {
        Map<String, ? extends Versioned<?>> map = kind == Kind.LUN ? luns : mapOf(kind);
        return map.values().stream().map(v -> (Versioned<T>) v)
                .sorted(java.util.Comparator.comparing(Versioned::key)).toList();
    }

    /** FREE LUNs of a pool, oldest first. Batcher thread only. */
    public Iterable<String> freeLuns(String pool) {
        return free.getOrDefault(pool, Set.of());
    }

    public PoolView.Counts counts(String pool) {
        AtomicIntegerArray c = counts.get(pool);
        if (c == null) {
            return new PoolView.Counts(0, 0, 0, 0, 0);
        }
        return new PoolView.Counts(c.get(LunState.FREE.ordinal()), c.get(LunState.CLAIMED.ordinal()),
                c.get(LunState.PREPARING.ordinal()), c.get(LunState.WIPING.ordinal()),
                c.get(LunState.FAILED.ordinal()));
    }

    public int totalLuns(String pool) {
        AtomicIntegerArray c = counts.get(pool);
        int total = 0;
        for (int i = 0; c != null && i < c.length(); i++) {
            total += c.get(i);
        }
        return total;
    }

    /** Array provisions under way for a pool that have no LUN record yet. */
    public AtomicInteger provisioning(String pool) {
        return provisioning.computeIfAbsent(pool, p -> new AtomicInteger());
    }

    /** Replaces (or with null removes) one record. Batcher thread only. */
    @SuppressWarnings("unchecked")
    public <T> void apply(Kind<T> kind, String key, Versioned<T> value) {
        if (kind == Kind.LUN) {
            applyLun(key, (Versioned<Lun>) value);
        } else {
            Map<String, Versioned<T>> map = (Map<String, Versioned<T>>) (Map<String, ?>) mapOf(kind);
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        }
    }

    private Map<String, ? extends Versioned<?>> mapOf(Kind<?> kind) {
        if (kind == Kind.POOL) {
            return pools;
        } else if (kind == Kind.VOLUME) {
            return volumes;
        } else if (kind == Kind.ATTACHMENT) {
            return attachments;
        } else if (kind == Kind.HOST) {
            return hosts;
        }
        throw new IllegalArgumentException("no map for " + kind);
    }

    private void applyLun(String wwn, Versioned<Lun> next) {
        Versioned<Lun> prev = next == null ? luns.remove(wwn) : luns.put(wwn, next);
        if (prev != null) {
            count(prev.value(), -1);
            if (prev.value().state() == LunState.FREE) {
                free.getOrDefault(prev.value().pool(), new LinkedHashSet<>()).remove(wwn);
            }
        }
        if (next != null) {
            count(next.value(), +1);
            if (next.value().state() == LunState.FREE) {
                free.computeIfAbsent(next.value().pool(), p -> new LinkedHashSet<>()).add(wwn);
            }
        }
    }

    private void count(Lun lun, int delta) {
        counts.computeIfAbsent(lun.pool(), p -> new AtomicIntegerArray(LunState.values().length))
                .addAndGet(lun.state().ordinal(), delta);
    }
}
