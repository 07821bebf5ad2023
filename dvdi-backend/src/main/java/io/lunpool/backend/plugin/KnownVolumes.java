package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.api.VolumeView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The volumes this host has seen at the control plane, with their creation times, so that {@code Get}
 * can still answer for them while the control plane is unreachable: dockerd, starting up, forgets every
 * volume whose Get returns an error (spec §0.12). Kept in {@code known-volumes.json} beside the mount
 * table, rewritten atomically only when the set changes.
 */
final class KnownVolumes {
    private static final ObjectMapper JSON = Json.mapper();
    private final Path file;
    private final Map<String, Instant> volumes;

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

    private void persist() {
        try {
            // a cache: atomic, but not worth an fsync on every create
            MountTable.writeAtomically(file, JSON.writeValueAsBytes(volumes), false);
        } catch (IOException e) {
            throw new LunpoolException(io.lunpool.core.Reason.HOST_ERROR, "writing " + file + " failed: " + e, e);
        }
    }
}
