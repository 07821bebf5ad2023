package io.lunpool.backend.plugin;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the plugin service needs to know about its host: the host id and initiators it attaches with, where it
 * mounts, the pool for volumes created without one ({@code null}: the control plane's default), and the time
 * limits of Create/Mount ({@code slowLimit}, inside Docker's 120 s) and of every other call ({@code fastLimit},
 * inside Docker's 60 s).
 */
public record PluginSettings(String host, List<String> initiators, Path mountRoot, String defaultPool,
                             Duration slowLimit, Duration fastLimit) {
    public PluginSettings {
        initiators = List.copyOf(initiators);
        mountRoot = mountRoot.toAbsolutePath().normalize();
    }
}
