package io.lunpool.backend.plugin;

import io.lunpool.core.Sizes;
import io.lunpool.core.api.VolumeView;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A volume as {@code Get} and {@code List} show it: {@code mountpoint} is the local mount point when the volume
 * is mounted on this host, else empty; {@code createdAt} may be null (then the field is left out, never empty).
 */
public record PluginVolume(String name, String mountpoint, Instant createdAt, Map<String, Object> status) {

    static PluginVolume of(VolumeView view, MountedVolume local) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lun", view.lun());
        status.put("pool", view.pool());
        status.put("size", Sizes.format(view.sizeBytes()));
        status.put("sizeBytes", view.sizeBytes());
        status.put("host", view.attachedTo() == null ? "" : view.attachedTo());
        status.put("options", view.options() == null ? Map.of() : view.options());
        status.put("references", local == null ? Map.of() : local.references());
        Instant created = view.createdAt() != null ? view.createdAt() : local == null ? null : local.createdAt();
        return new PluginVolume(view.name(), mountpoint(local), created, status);
    }

    /**
     * What this host knows when the control plane cannot be asked: a known volume never gets an Err, since dockerd
     * forgets a volume whose Get fails.
     */
    static PluginVolume degraded(MountedVolume local, String why) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("lun", local.lun());
        status.put("references", local.references());
        status.put("controlPlane", why);
        return new PluginVolume(local.name(), mountpoint(local), local.createdAt(), status);
    }

    /** A volume this host has seen but cannot ask about now: answered without a mount point rather than an Err. */
    static PluginVolume unreachable(String name, Instant createdAt, String why) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("controlPlane", why);
        return new PluginVolume(name, "", createdAt == null || createdAt.equals(Instant.EPOCH) ? null : createdAt,
                status);
    }

    private static String mountpoint(MountedVolume local) {
        return local != null && local.totalReferences() > 0 ? local.mountpoint().toString() : "";
    }
}
