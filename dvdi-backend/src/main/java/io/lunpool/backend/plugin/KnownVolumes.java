package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.VolumeView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The volumes this host has seen at the control plane, with their creation times, so that {@code Get}
 * can still answer for them while the control plane is unreachable: dockerd, starting up, forgets every
 * volume whose Get returns an error. Kept in {@code known-volumes.json} beside the mount
 * table, rewritten atomically when the set changes, behind the calls that change it: one writer thread writes the
 * newest set {@link #DELAY} after a change, so a burst of creates costs one write and no create waits for it or has
 * its ZooKeeper fsync carry the rename's metadata (it is a cache: a crash may lose the last second of changes, and
 * the next Get or List brings them back; a clean stop writes them, {@link #flush}).
 */
final class KnownVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(KnownVolumes.class);
    private static final ObjectMapper JSON = Json.mapper();
    static final Duration DELAY = Duration.ofSeconds(1);
    private static final ScheduledExecutorService WRITER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "known-volumes-writer");
        t.setDaemon(true);
        return t;
    });
    private final Path file;
    private final Map<String, Instant> volumes;
    /** Guarded by {@code this}: a write is queued that has not taken its snapshot yet. */
    private boolean writeQueued;
    /** Held while a snapshot is taken and written, so that an older snapshot never lands after a newer one. */
    private final Object writing = new Object();

    private KnownVolumes(Path file, Map<String, Instant> volumes) {
        this.file = file;
        this.volumes = volumes;
    }

    static KnownVolumes load(Path file) {
        if (!Files.exists(file)) {
            return new KnownVolumes(file, new TreeMap<>());
        }
        try {
            return new KnownVolumes(file, new TreeMap<>(JSON.readValue(file.toFile(),
                    new TypeReference<Map<String, Instant>>() { })));
        } catch (IOException e) {
            throw LunpoolException.invalid("cannot read the known-volumes file " + file + ": " + e.getMessage()
                    + "; fix or delete it (it is only a cache of volume names)");
        }
    }

    synchronized Optional<Instant> createdAt(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    synchronized boolean contains(String name) {
        return volumes.containsKey(name);
    }

    synchronized void seen(VolumeView volume) {
        Instant created = volume.createdAt() == null ? Instant.EPOCH : volume.createdAt();
        if (!created.equals(volumes.put(volume.name(), created))) {
            persist();
        }
    }

    /** The control plane's whole list: afterwards exactly these are known. */
    synchronized void seenAll(Collection<VolumeView> all) {
        Map<String, Instant> next = new TreeMap<>();
        all.forEach(v -> next.put(v.name(), v.createdAt() == null ? Instant.EPOCH : v.createdAt()));
        if (!next.equals(volumes)) {
            volumes.clear();
            volumes.putAll(next);
            persist();
        }
    }

    synchronized void forget(String name) {
        if (volumes.remove(name) != null) {
            persist();
        }
    }

    /** Called with the lock held after a change: queues one write unless one is queued already. */
    private void persist() {
        if (!writeQueued) {
            writeQueued = true;
            WRITER.schedule(this::write, DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a pending change now (a stop, tests). */
    void flush() {
        write();
    }

    private void write() {
        synchronized (writing) {
            byte[] bytes;
            synchronized (this) {
                if (!writeQueued) {
                    return;
                }
                writeQueued = false;
                try {
                    bytes = JSON.writeValueAsBytes(volumes);
                } catch (IOException e) {
                    LOG.error("encoding the known volumes failed", e);
                    return;
                }
            }
            try {
                // a cache: atomic, but not worth an fsync
                AtomicFiles.write(file, bytes, false);
            } catch (LunpoolException e) {
                LOG.warn("writing {} failed; Get may not answer for volumes created since while the control plane"
                        + " is unreachable: {}", file, e.getMessage());
            }
        }
    }
}
