package io.lunpool.backend.plugin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The bodies of the plugin's answers, as the Docker volume plugin protocol names and orders their fields. Every
 * {@code VolumeDriver.*} answer carries {@code Err}: empty on success, {@code REASON: message} on failure, and
 * then nothing else.
 */
final class PluginAnswers {
    private PluginAnswers() {
    }

    /** Create, Remove, Unmount, and every failed call. */
    record Err(@JsonProperty("Err") String err) {
        static final Err OK = new Err("");
    }

    /** Mount and Path; the mount point is empty when the volume is not mounted here. */
    @JsonPropertyOrder({"Err", "Mountpoint"})
    record MountpointAndErr(@JsonProperty("Err") String err, @JsonProperty("Mountpoint") String mountpoint) {
        static MountpointAndErr ok(String mountpoint) {
            return new MountpointAndErr("", mountpoint);
        }
    }

    /** Get. */
    @JsonPropertyOrder({"Volume", "Err"})
    record VolumeAndErr(@JsonProperty("Volume") DockerVolume volume, @JsonProperty("Err") String err) {
        static VolumeAndErr ok(PluginVolume volume) {
            return new VolumeAndErr(DockerVolume.of(volume), "");
        }
    }

    /** List. */
    @JsonPropertyOrder({"Volumes", "Err"})
    record VolumesAndErr(@JsonProperty("Volumes") List<DockerVolume> volumes, @JsonProperty("Err") String err) {
        static VolumesAndErr ok(List<PluginVolume> volumes) {
            return new VolumesAndErr(volumes.stream().map(DockerVolume::of).toList(), "");
        }
    }

    /** Plugin.Activate: the plugin is a volume driver. */
    record Implements(@JsonProperty("Implements") List<String> kinds) {
        static final Implements VOLUME_DRIVER = new Implements(List.of("VolumeDriver"));
    }

    /** VolumeDriver.Capabilities. */
    record Capabilities(@JsonProperty("Capabilities") Scope capabilities) {
        /** A volume is the same on every host of the cluster. */
        static final Capabilities GLOBAL = new Capabilities(new Scope("global"));
    }

    record Scope(@JsonProperty("Scope") String scope) {
    }

    /** One volume of Get and List; {@code CreatedAt} (whole seconds) is left out when unknown, never empty. */
    @JsonPropertyOrder({"Name", "Mountpoint", "CreatedAt", "Status"})
    record DockerVolume(@JsonProperty("Name") String name, @JsonProperty("Mountpoint") String mountpoint,
                        @JsonProperty("CreatedAt") @JsonInclude(JsonInclude.Include.NON_NULL) String createdAt,
                        @JsonProperty("Status") Map<String, Object> status) {
        static DockerVolume of(PluginVolume v) {
            String created = v.createdAt() == null ? null : v.createdAt().truncatedTo(ChronoUnit.SECONDS).toString();
            return new DockerVolume(v.name(), v.mountpoint(), created, v.status());
        }
    }
}
