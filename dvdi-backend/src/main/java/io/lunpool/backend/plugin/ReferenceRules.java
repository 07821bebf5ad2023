package io.lunpool.backend.plugin;

import java.util.Map;
import java.util.TreeMap;

/**
 * How Mounts and Unmounts count the references of a mounted volume, per mount ID. Pure: each rule takes a
 * {@link MountedVolume} and returns it with its new references ({@link MountTable} keeps and persists them).
 *
 * <ul>
 *   <li>Every Mount adds one reference to its ID, because Docker repeats a running container's ID for
 *       {@code docker cp} (Mount X, Mount X, Unmount X, Unmount X).</li>
 *   <li>An Unmount removes one reference of its ID; an ID the volume does not hold changes nothing.</li>
 *   <li>ID-less callers (dvdcli, hence the Mesos {@code docker/volume} isolator and mesos-module-dvdi) share the
 *       key {@code ""}, and an ID-less Unmount releases <em>all</em> ID-less references: those callers do their
 *       own last-user accounting and send one Unmount for N Mounts.</li>
 *   <li>{@link #releaseOne} removes exactly one reference, ID-less or not: the undo of one counted Mount.</li>
 * </ul>
 *
 * The volume is released when no reference is left.
 */
final class ReferenceRules {
    /** The key ID-less callers share. */
    static final String NO_ID = "";

    private ReferenceRules() {
    }

    /** A Mount of {@code id}: one reference more. */
    static MountedVolume mount(MountedVolume v, String id) {
        Map<String, Integer> refs = new TreeMap<>(v.references());
        refs.merge(id, 1, Integer::sum);
        return v.withReferences(refs);
    }

    /** An Unmount of {@code id}: one reference less for a mount ID, none left for {@link #NO_ID}. */
    static MountedVolume unmount(MountedVolume v, String id) {
        return release(v, id, !id.equals(NO_ID));
    }

    /** Exactly one reference of {@code id} less, whatever the ID. */
    static MountedVolume releaseOne(MountedVolume v, String id) {
        return release(v, id, true);
    }

    private static MountedVolume release(MountedVolume v, String id, boolean one) {
        Integer count = v.references().get(id);
        if (count == null) {
            return v;
        }
        Map<String, Integer> refs = new TreeMap<>(v.references());
        if (one && count > 1) {
            refs.put(id, count - 1);
        } else {
            refs.remove(id);
        }
        return v.withReferences(refs);
    }
}
