package io.lunpool.scheduler.mesos.client;

import java.util.Optional;

/**
 * The disk part of a disk resource: its source ({@code PATH} or {@code MOUNT} with a root, none for the agent's
 * root disk) and, for a persistent volume, the persistence id and principal and the path in the container.
 */
public record MesosDisk(Optional<String> sourceType, Optional<String> sourceRoot, Optional<String> persistenceId,
                        Optional<String> persistencePrincipal, Optional<String> containerPath, boolean readOnly) {
    public static MesosDisk mount(String root) {
        return new MesosDisk(Optional.of("MOUNT"), Optional.of(root), Optional.empty(), Optional.empty(),
                Optional.empty(), false);
    }

    /** The same disk as a persistent volume. */
    public MesosDisk asVolume(String id, Optional<String> principal, String path) {
        return new MesosDisk(sourceType, sourceRoot, Optional.of(id), principal, Optional.of(path), false);
    }
}
