package io.lunpool.backend.plugin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.lunpool.core.model.LunTarget;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * A volume this host has attached for the plugin: where it is mounted, how to find its LUN again, and the
 * references per mount ID ({@code ""} for ID-less callers). No references means a mount or an unmount stopped
 * half-way: the volume must be torn down (umount, disconnect, detach) before it is used again.
 */
public record MountedVolume(String name, String lun, String backing, String fsType, Path mountpoint,
                            Instant createdAt, Map<String, Integer> references) {
    public MountedVolume {
        references = references == null ? Map.of() : Map.copyOf(new TreeMap<>(references));
    }

    @JsonIgnore
    public LunTarget target() {
        return new LunTarget(lun, backing);
    }

    @JsonIgnore
    public int totalReferences() {
        return references.values().stream().mapToInt(Integer::intValue).sum();
    }

    MountedVolume withReferences(Map<String, Integer> refs) {
        return new MountedVolume(name, lun, backing, fsType, mountpoint, createdAt, refs);
    }
}
