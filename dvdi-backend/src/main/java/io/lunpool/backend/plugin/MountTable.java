package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This host's plugin mounts and their references, counted per (volume, mount ID), persisted on every change.
 *
 * <p>Counting: every {@code Mount} adds one reference to its ID, because Docker repeats a running container's
 * ID for {@code docker cp} (Mount X, Mount X, Unmount X, Unmount X). An {@code Unmount} removes one reference of
 * its ID; an unknown ID is a no-op. ID-less callers (dvdcli, hence the Mesos {@code docker/volume} isolator and
 * mesos-module-dvdi) share the key {@code ""}, and an ID-less {@code Unmount} releases <em>all</em> ID-less
 * references of the volume: those callers do their own last-user accounting and send one unmount for N mounts
 * (spec §2.3, REX-Ray's {@code ignoreUsedCount}). The volume is released when no reference is left.
 *
 * <p>Persistence: JSON at {@code <stateDir>/mounts.json}, rewritten whole on each change: a temp file in the
 * same directory is written, forced to disk ({@code FileChannel.force(true)}) and renamed over the old file
 * atomically, then the directory is forced. A file that cannot be parsed stops the start with a message that
 * names it: silently dropping it would leak every mount on the host.
 *
 * <p>Durability: a change that a plugin answer acknowledges is forced to disk before the answer — a counted
 * reference, a release that leaves references, the removal after a teardown. The steps a call takes on its way
 * there ({@link #begin}, the release of the last reference just before its teardown) are only <em>written</em>:
 * renamed into place without the two forces. A killed process loses nothing by that (the kernel holds the
 * file); a crashed machine loses its mounts and loop devices anyway, and reconcile detaches, from the control
 * plane's side, any volume still attached to this host that the table does not name.
 *
 * <p>Group commit: a change is made in memory under the table's lock, which is released before the disk write, so
 * mounts of other volumes are not held up by one volume's fsync. Every change returns only once a file holding it
 * (or a later state, which includes it) is on disk; one write carries every change made while the previous write
 * was being forced. Writes happen one at a time, each of the newest state, so the file never goes backwards.
 */
public final class MountTable {
    private static final ObjectMapper JSON = Json.mapper();
    private final Path file;
    private final Map<String, MountedVolume> volumes = new TreeMap<>();
    /** Guarded by {@code this}: the number of changes made so far. */
    private long changes;
    /** Held while writing the file; guards {@link #durable}. */
    private final Object writer = new Object();
    /** Guarded by {@link #writer}: the highest change number in the file, forced to disk or not. */
    private long written;
    /** Guarded by {@link #writer}: the highest change number forced to disk. */
    private long durable;

    private MountTable(Path file) {
        this.file = file;
    }

    /** Loads the table (empty when the file does not exist yet); throws INVALID when the file is corrupt. */
    public static MountTable load(Path file) {
        MountTable table = new MountTable(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return table;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mount table " + file, e);
        }
        try {
            State state = JSON.readValue(bytes, State.class);
            if (state.version() != State.VERSION || state.volumes() == null) {
                throw new IOException("unsupported version " + state.version() + " or no volumes");
            }
            for (MountedVolume v : state.volumes()) {
                if (v.name() == null || v.mountpoint() == null || v.lun() == null) {
                    throw new IOException("an entry lacks name, lun or mountpoint: " + v);
                }
                table.volumes.put(v.name(), v);
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.INVALID, "mount table " + file + " is corrupt (" + e.getMessage()
                    + "); the plugin will not start with it. Check the mounts under the mount root against"
                    + " /proc/self/mountinfo, then repair the file or move it away", e);
        }
        return table;
    }

    public Path file() {
        return file;
    }

    public synchronized Optional<MountedVolume> get(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    public synchronized List<MountedVolume> all() {
        return List.copyOf(volumes.values());
    }

    /**
     * Records a volume being set up, with no references yet, so that a crash half-way is torn down at start. Written,
     * not forced (see the class comment): the reference that ends the mount is.
     */
    public void begin(MountedVolume volume) {
        long change;
        synchronized (this) {
            volumes.put(volume.name(), volume.withReferences(Map.of()));
            change = ++changes;
        }
        await(change, false);
    }

    /** Adds one reference of {@code id}; the volume must be in the table. */
    public MountedVolume reference(String name, String id) {
        MountedVolume out;
        long change;
        synchronized (this) {
            MountedVolume v = require(name);
            Map<String, Integer> refs = new TreeMap<>(v.references());
            refs.merge(id, 1, Integer::sum);
            out = v.withReferences(refs);
            volumes.put(name, out);
            change = ++changes;
        }
        await(change, true);
        return out;
    }

    /**
     * Removes references of {@code id}: one for a mount ID, all of them for {@code ""} (see the class comment).
     * Returns the volume afterwards, empty when it is not in the table. A release that leaves no reference is only
     * written: the caller tears the volume down next, and that ends in a forced {@link #remove}.
     */
    public Optional<MountedVolume> release(String name, String id) {
        return release(name, id, !id.isEmpty());
    }

    /** Removes exactly one reference of {@code id}, ID-less or not: the undo of one counted Mount. */
    public Optional<MountedVolume> releaseOne(String name, String id) {
        return release(name, id, true);
    }

    private Optional<MountedVolume> release(String name, String id, boolean one) {
        MountedVolume out;
        long change;
        synchronized (this) {
            MountedVolume v = volumes.get(name);
            if (v == null) {
                return Optional.empty();
            }
            Integer count = v.references().get(id);
            if (count == null) {
                return Optional.of(v);
            }
            Map<String, Integer> refs = new TreeMap<>(v.references());
            if (one && count > 1) {
                refs.put(id, count - 1);
            } else {
                refs.remove(id);
            }
            out = v.withReferences(refs);
            volumes.put(name, out);
            change = ++changes;
        }
        await(change, out.totalReferences() > 0);
        return Optional.of(out);
    }

    /** Forgets a volume after it has been torn down. */
    public void remove(String name) {
        long change;
        synchronized (this) {
            if (volumes.remove(name) == null) {
                return;
            }
            change = ++changes;
        }
        await(change, true);
    }

    private MountedVolume require(String name) {
        MountedVolume v = volumes.get(name);
        if (v == null) {
            throw new IllegalStateException("volume " + name + " is not in the mount table");
        }
        return v;
    }

    /**
     * Returns once change number {@code change} is in the file, and forced to disk when {@code force}: when an
     * earlier caller's write already carried it, at once; otherwise this caller writes the newest state. A failed
     * write throws to its caller only; the changes it carried are written by their own callers, who find them not
     * yet written.
     */
    private void await(long change, boolean force) {
        synchronized (writer) {
            if ((force ? durable : written) >= change) {
                return;
            }
            long upTo;
            List<MountedVolume> snapshot;
            synchronized (this) {
                upTo = changes;
                snapshot = List.copyOf(volumes.values());
            }
            byte[] bytes;
            try {
                bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new State(State.VERSION, snapshot));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode the mount table", e);
            }
            writeAtomically(file, bytes, force);
            written = upTo;
            if (force) {
                durable = upTo;
            }
        }
    }

    /** Replaces the file atomically (temp file, rename); {@code durable} forces file and directory to disk first. */
    static void writeAtomically(Path file, byte[] bytes, boolean durable) {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
            if (durable) {
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                }
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "cannot write " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; a leftover temp file is harmless and named as such
                }
            }
        }
    }

    /** The file format. */
    record State(int version, List<MountedVolume> volumes) {
        static final int VERSION = 1;
    }
}
