package io.lunpool.scheduler;

import io.lunpool.core.api.PoolView;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.state.Views;
import io.lunpool.scheduler.leader.LeaderTerm;
import io.lunpool.scheduler.leader.Leadership;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import io.lunpool.scheduler.store.Versioned;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads for the REST API: from the leader's inventory while leading, else from the store. */
final class StateReader {
    private final StateStore store;
    private final Leadership leadership;

    StateReader(StateStore store, Leadership leadership) {
        this.store = store;
        this.leadership = leadership;
    }

    private Optional<Inventory> inventory() {
        return leadership.term().map(LeaderTerm::inventory);
    }

    Optional<PoolView> pool(String name) {
        Optional<Inventory> inv = inventory();
        if (inv.isPresent()) {
            return inv.get().pool(name).map(p -> new PoolView(name, p.value(), inv.get().counts(name)));
        }
        return store.get(Kind.POOL, name).map(p -> new PoolView(name, p.value(), countsFromStore().getOrDefault(name,
                new PoolView.Counts(0, 0, 0, 0, 0))));
    }

    List<PoolView> pools() {
        Optional<Inventory> inv = inventory();
        if (inv.isPresent()) {
            return inv.get().poolNames().stream().map(n -> pool(n).orElseThrow()).toList();
        }
        Map<String, PoolView.Counts> counts = countsFromStore();
        return store.list(Kind.POOL).stream().map(p -> new PoolView(p.key(), p.value(),
                counts.getOrDefault(p.key(), new PoolView.Counts(0, 0, 0, 0, 0)))).toList();
    }

    private Map<String, PoolView.Counts> countsFromStore() {
        Map<String, int[]> raw = new HashMap<>();
        for (Versioned<Lun> l : store.list(Kind.LUN)) {
            raw.computeIfAbsent(l.value().pool(), p -> new int[5])[l.value().state().ordinal()]++;
        }
        Map<String, PoolView.Counts> out = new HashMap<>();
        raw.forEach((pool, c) -> out.put(pool, new PoolView.Counts(c[0], c[1], c[2], c[3], c[4])));
        return out;
    }

    Optional<VolumeView> volume(String name) {
        Optional<Inventory> inv = inventory();
        if (inv.isPresent()) {
            return inv.get().volume(name).map(v -> Views.volume(v.value(),
                    inv.get().attachment(name).map(Versioned::value).orElse(null)));
        }
        return store.get(Kind.VOLUME, name).map(v -> Views.volume(v.value(),
                store.get(Kind.ATTACHMENT, name).map(Versioned::value).orElse(null)));
    }

    List<VolumeView> volumes() {
        Map<String, Attachment> attachments = new HashMap<>();
        store.list(Kind.ATTACHMENT).forEach(a -> attachments.put(a.key(), a.value()));
        return store.list(Kind.VOLUME).stream().map(Versioned::value)
                .map((Volume v) -> Views.volume(v, attachments.get(v.name()))).toList();
    }
}
