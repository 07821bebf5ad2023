package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.Sizes;
import io.lunpool.core.api.AttachRequest;
import io.lunpool.core.api.AttachmentView;
import io.lunpool.core.api.CreateVolumeRequest;
import io.lunpool.core.api.VolumeView;
import io.lunpool.core.spi.ControlPlaneClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ControlPlaneClient} in memory with the control plane's rules: create is idempotent for the same options
 * and CONFLICT otherwise, a second host is refused (IN_USE naming the holder) unless preempt, delete is refused
 * while attached. {@link #down} makes every call fail TRANSIENT, as an unreachable control plane does.
 */
public final class InMemoryControlPlane implements ControlPlaneClient {
    public static final String DEFAULT_POOL = "default";
    public static final String DEFAULT_SIZE = "1G";
    private final Map<String, VolumeView> volumes = new TreeMap<>();
    private final Map<String, String> backing = new TreeMap<>();
    private final AtomicInteger luns = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean down;
    private volatile AttachRequest lastAttach;

    public void down(boolean down) {
        this.down = down;
    }

    /** Number of calls so far. */
    public int calls() {
        return calls.get();
    }

    /** The last attach request received, or null. */
    public AttachRequest lastAttach() {
        return lastAttach;
    }

    public synchronized Optional<String> attachedTo(String name) {
        return Optional.ofNullable(volumes.get(name)).map(VolumeView::attachedTo);
    }

    @Override
    public synchronized VolumeView create(CreateVolumeRequest r) {
        enter();
        String pool = r.pool() == null ? DEFAULT_POOL : r.pool();
        long size = Sizes.parse(r.size() == null ? DEFAULT_SIZE : r.size());
        Map<String, String> options = r.options() == null ? Map.of() : Map.copyOf(r.options());
        VolumeView existing = volumes.get(r.name());
        if (existing != null) {
            if (existing.pool().equals(pool) && existing.sizeBytes() == size && existing.options().equals(options)) {
                return existing;
            }
            throw LunpoolException.conflict("volume " + r.name() + " exists with other options (pool "
                    + existing.pool() + ", size " + Sizes.format(existing.sizeBytes()) + ", " + existing.options() + ")");
        }
        int n = luns.incrementAndGet();
        String lun = String.format("600a0b80000000000000000000%06d", n);
        VolumeView v = new VolumeView(r.name(), pool, lun, size, options, Instant.parse("2026-11-28T22:18:21.123Z"),
                null);
        volumes.put(r.name(), v);
        backing.put(r.name(), "/var/lib/lunpool/array/" + lun + ".img");
        return v;
    }

    @Override
    public synchronized Optional<VolumeView> get(String name) {
        enter();
        return Optional.ofNullable(volumes.get(name));
    }

    @Override
    public synchronized List<VolumeView> list() {
        enter();
        return new ArrayList<>(volumes.values());
    }

    @Override
    public synchronized void delete(String name) {
        enter();
        VolumeView v = require(name);
        if (v.attachedTo() != null) {
            throw new LunpoolException(Reason.IN_USE, "volume " + name + " is attached to host " + v.attachedTo()
                    + "; unmount it there first");
        }
        volumes.remove(name);
    }

    @Override
    public synchronized AttachmentView attach(String name, AttachRequest r) {
        enter();
        lastAttach = r;
        VolumeView v = require(name);
        String preempted = null;
        if (v.attachedTo() != null && !v.attachedTo().equals(r.host())) {
            if (!r.preempt()) {
                throw new LunpoolException(Reason.IN_USE, "volume " + name + " is attached to host " + v.attachedTo()
                        + "; unmount it there or pass preempt");
            }
            preempted = v.attachedTo();
        }
        volumes.put(name, with(v, r.host()));
        return new AttachmentView(name, r.host(), r.initiators(), Instant.now(), preempted, v.lun(),
                backing.get(name), v.sizeBytes(), v.options().getOrDefault("fsType", "ext4"));
    }

    @Override
    public synchronized void detach(String name, String host) {
        enter();
        VolumeView v = volumes.get(name);
        if (v != null && Objects.equals(v.attachedTo(), host)) {
            volumes.put(name, with(v, null));
        }
    }

    /** Attaches a volume to another host, as if that host had mounted it. */
    public synchronized void attachElsewhere(String name, String host) {
        volumes.put(name, with(require(name), host));
    }

    private static VolumeView with(VolumeView v, String host) {
        return new VolumeView(v.name(), v.pool(), v.lun(), v.sizeBytes(), v.options(), v.createdAt(), host);
    }

    private VolumeView require(String name) {
        VolumeView v = volumes.get(name);
        if (v == null) {
            throw LunpoolException.notFound("volume " + name + " does not exist");
        }
        return v;
    }

    private void enter() {
        calls.incrementAndGet();
        if (down) {
            throw new LunpoolException(Reason.TRANSIENT, "control plane http://127.0.0.1:7480 is unreachable");
        }
    }
}
