package io.lunpool.scheduler.batch;

import io.lunpool.core.model.Lun;
import io.lunpool.scheduler.state.Inventory;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StoreOp;
import io.lunpool.scheduler.store.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The changes one batch makes, seen on top of the {@link Inventory}: later requests of the batch see
 * earlier ones' writes (two creates of one name claim one LUN). Each write yields the store op that
 * makes it and remembers which request owns that op.
 */
final class Overlay {
    /** One changed record; {@code value} null means deleted. */
    record Change(Kind<?> kind, String key, Object value, int op) {
    }

    private final Inventory base;
    private final Map<String, Versioned<?>> changed = new HashMap<>();
    private final Set<String> deleted = new HashSet<>();
    private final Set<String> claimed = new HashSet<>();
    private final List<StoreOp> ops = new ArrayList<>();
    private final List<Integer> owners = new ArrayList<>();
    private final List<Change> changes = new ArrayList<>();
    private int owner = -1;

    Overlay(Inventory base) {
        this.base = base;
    }

    /** Ops written from now on belong to request {@code index}. */
    void owner(int index) {
        owner = index;
    }

    int owner() {
        return owner;
    }

    @SuppressWarnings("unchecked")
    <T> Optional<Versioned<T>> get(Kind<T> kind, String key) {
        String id = id(kind, key);
        if (deleted.contains(id)) {
            return Optional.empty();
        }
        Versioned<?> v = changed.get(id);
        if (v != null) {
            return Optional.of((Versioned<T>) v);
        }
        return baseGet(kind, key);
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<Versioned<T>> baseGet(Kind<T> kind, String key) {
        Optional<? extends Versioned<?>> v;
        if (kind == Kind.POOL) {
            v = base.pool(key);
        } else if (kind == Kind.LUN) {
            v = base.lun(key);
        } else if (kind == Kind.VOLUME) {
            v = base.volume(key);
        } else if (kind == Kind.ATTACHMENT) {
            v = base.attachment(key);
        } else {
            v = base.host(key);
        }
        return (Optional<Versioned<T>>) v;
    }

    /** The first FREE LUN of the pool that no request of this batch has taken. */
    Optional<Versioned<Lun>> takeFree(String pool) {
        for (String wwn : base.freeLuns(pool)) {
            if (claimed.add(wwn)) {
                Optional<Versioned<Lun>> lun = get(Kind.LUN, wwn);
                if (lun.isPresent() && lun.get().value().state() == io.lunpool.core.model.LunState.FREE) {
                    return lun;
                }
            }
        }
        return Optional.empty();
    }

    <T> void create(Kind<T> kind, String key, T value) {
        String id = id(kind, key);
        deleted.remove(id);
        changed.put(id, new Versioned<>(key, value, 0));
        add(new StoreOp.Create<>(kind, key, value), kind, key, value);
    }

    <T> void set(Kind<T> kind, Versioned<T> current, T value) {
        String id = id(kind, current.key());
        changed.put(id, new Versioned<>(current.key(), value, current.version() + 1));
        add(new StoreOp.Set<>(kind, current.key(), value, current.version()), kind, current.key(), value);
        if (kind == Kind.LUN) {
            claimed.add(current.key());
        }
    }

    /** Creates the record, or replaces it when it exists. */
    <T> void put(Kind<T> kind, String key, T value) {
        Optional<Versioned<T>> current = get(kind, key);
        if (current.isPresent()) {
            set(kind, current.get(), value);
        } else {
            create(kind, key, value);
        }
    }

    <T> void delete(Kind<T> kind, Versioned<T> current) {
        String id = id(kind, current.key());
        changed.remove(id);
        deleted.add(id);
        add(new StoreOp.Delete(kind, current.key(), current.version()), kind, current.key(), null);
    }

    private void add(StoreOp op, Kind<?> kind, String key, Object value) {
        changes.add(new Change(kind, key, value, ops.size()));
        ops.add(op);
        owners.add(owner);
    }

    List<StoreOp> ops() {
        return ops;
    }

    List<Integer> owners() {
        return owners;
    }

    List<Change> changes() {
        return changes;
    }

    private static String id(Kind<?> kind, String key) {
        return kind.folder() + '/' + key;
    }
}
