package io.lunpool.backend.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides, at plugin start, how to bring the persisted mount table in line with the kernel. Docker never
 * replays Mounts after a plugin restart, so the table is the only memory of who uses what. The rule:
 *
 * <ol>
 *   <li>An entry with references whose mount point is still mounted is <b>kept</b> as it is: its containers
 *       still use it and their Unmounts will come.</li>
 *   <li>An entry with references whose mount point is gone (someone unmounted it, or the host rebooted) is
 *       <b>dropped</b>: its LUN is disconnected and the volume detached from this host.</li>
 *   <li>An entry without references is a mount or an unmount that stopped half-way: it is <b>torn down</b>
 *       (unmounted when still mounted, disconnected, detached) and dropped.</li>
 *   <li>A mount directly under the mount root that no entry names (the table was lost or written late) is an
 *       <b>orphan</b>: it is unmounted, and its volume (the directory's name) disconnected and detached when the
 *       control plane says it is attached to this host.</li>
 *   <li>A volume the control plane has attached to this host that no entry names and nothing mounts (a mount cut
 *       short by a crash of the machine before its reference was counted: the table's first step of a mount is
 *       not forced to disk) is <b>released</b>: disconnected and detached. No acknowledged Mount is lost by this,
 *       since every counted reference is on disk before Docker hears of it.</li>
 * </ol>
 *
 * Mounts deeper below the mount root (inside a volume) are not ours and are left alone. Deciding is pure
 * ({@link #decide}); {@link Reconciler} carries the actions out.
 */
public final class ReconcilePlanner {
    private ReconcilePlanner() {
    }

    /** One thing to do. */
    public sealed interface Action permits Keep, Drop, TearDown, Orphan, Release {
    }

    /** Rule 1. */
    public record Keep(MountedVolume volume) implements Action {
    }

    /** Rule 2: the mount is gone; disconnect, detach, forget. */
    public record Drop(MountedVolume volume) implements Action {
    }

    /** Rule 3: no references; unmount if {@code mounted}, disconnect, detach, forget. */
    public record TearDown(MountedVolume volume, boolean mounted) implements Action {
    }

    /** Rule 4: mounted under the root but unknown to the table. */
    public record Orphan(String volume, Path mountpoint) implements Action {
    }

    /** Rule 5: attached here at the control plane, unknown to the table and not mounted; disconnect, detach. */
    public record Release(String volume) implements Action {
    }

    /**
     * The actions for the table's entries, the mount points under the root ({@code mounted}) and the volumes the
     * control plane has attached to this host ({@code attachedHere}).
     */
    public static List<Action> decide(Collection<MountedVolume> table, Set<Path> mounted, Path mountRoot,
                                      Set<String> attachedHere) {
        Path root = mountRoot.toAbsolutePath().normalize();
        Set<Path> present = new HashSet<>();
        for (Path p : mounted) {
            present.add(p.toAbsolutePath().normalize());
        }
        List<Action> actions = new ArrayList<>();
        Set<Path> claimed = new HashSet<>();
        for (MountedVolume v : table) {
            Path mp = v.mountpoint().toAbsolutePath().normalize();
            claimed.add(mp);
            boolean isMounted = present.contains(mp);
            if (v.totalReferences() == 0) {
                actions.add(new TearDown(v, isMounted));
            } else if (isMounted) {
                actions.add(new Keep(v));
            } else {
                actions.add(new Drop(v));
            }
        }
        Set<String> named = new HashSet<>();
        table.forEach(v -> named.add(v.name()));
        for (Path p : new TreeSet<>(present)) {
            if (!claimed.contains(p) && root.equals(p.getParent())) {
                actions.add(new Orphan(p.getFileName().toString(), p));
                named.add(p.getFileName().toString());
            }
        }
        for (String volume : new TreeSet<>(attachedHere)) {
            if (!named.contains(volume)) {
                actions.add(new Release(volume));
            }
        }
        return actions;
    }
}
