package io.lunpool.backend.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

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
 * <p>Persistence: one JSON file per volume, {@code <stateDir>/mounts/<volume>.json}, replaced atomically on each
 * change of that volume (temp file, rename; see {@link AtomicFiles}), so a change costs the same with 1 or 1,000
 * volumes mounted (one file for all of them cost 3 ms per change at 300, measured). A file that cannot be parsed
 * stops the start with a message that names it: silently dropping it would leak a mount. Temp files (a write
 * in progress, or one cut short by a crash) are skipped. A {@code <stateDir>/mounts.json} of the single-file format of lunpool 0.1 is taken
 * over at load and removed.
 *
 * <p>Durability: a change that a plugin answer acknowledges is forced to disk before the answer — a counted
 * reference, a release that leaves references, the removal after a teardown. The steps a call takes on its way
 * there ({@link #begin}, the release of the last reference just before its teardown) are only <em>written</em>:
 * renamed into place without the forces. A killed process loses nothing by that (the kernel holds the file); a
 * crashed machine loses its mounts and loop devices anyway, and reconcile detaches, from the control plane's
 * side, any volume still attached to this host that the table does not name.
 *
 * <p>Concurrency: a change is made in memory under the table's lock; the file is written outside it, under a
 * lock of that volume's name only, with the volume's state as it is when the write starts, so the last write of
 * a volume always carries its newest state and volumes never wait for each other's disk writes.
 */
public final class MountTable {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SUFFIX = ".json";
    private static final String LEGACY_FILE = "mounts.json";
    private final Path dir;
    private final Map<String, MountedVolume> volumes = new TreeMap<>();
    /** Striped by volume name: held while a volume's file is written. */
    private final Object[] writers = new Object[64];

    private MountTable(Path dir) {
        this.dir = dir;
        for (int i = 0; i < writers.length; i++) {
            writers[i] = new Object();
        }
    }

    /**
     * Loads the table from its directory (created, empty, when missing); throws INVALID naming the file when one is
     * corrupt.
     */
    public static MountTable load(Path dir) {
        MountTable table = new MountTable(dir);
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted().toList()) {
                    String name = file.getFileName().toString();
                    // temp files (".<volume>.json.<n>.tmp") are writes in progress or cut short: the file is whole
                    if (!name.startsWith(".") && name.endsWith(SUFFIX)) {
                        read(file).ifPresent(v -> table.volumes.put(v.name(), v));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the mount table in " + dir, e);
        }
        table.takeOverLegacyFile(dir.resolveSibling(LEGACY_FILE));
        return table;
    }

    /** The volume in the file; empty when the file was removed since the directory was listed. */
    private static Optional<MountedVolume> read(Path file) {
        try {
            Entry entry = JSON.readValue(Files.readAllBytes(file), Entry.class);
            if (entry.version() != Entry.VERSION || entry.volume() == null) {
                throw new IOException("unsupported version " + entry.version() + " or no volume");
            }
            check(entry.volume());
            if (!file.getFileName().toString().equals(entry.volume().name() + SUFFIX)) {
                throw new IOException("it holds volume " + entry.volume().name());
            }
            return Optional.of(entry.volume());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw corrupt(file, e);
        }
    }

    private static void check(MountedVolume v) throws IOException {
        if (v.name() == null || v.mountpoint() == null || v.lun() == null) {
            throw new IOException("an entry lacks name, lun or mountpoint: " + v);
        }
    }

    private static LunpoolException corrupt(Path file, IOException e) {
        return new LunpoolException(Reason.INVALID, "mount table " + file + " is corrupt (" + e.getMessage()
                + "); the plugin will not start with it. Check the mounts under the mount root against"
                + " /proc/self/mountinfo, then repair the file or move it away", e);
    }

    private void takeOverLegacyFile(Path legacy) {
        if (!Files.exists(legacy)) {
            return;
        }
        try {
            LegacyState state = JSON.readValue(Files.readAllBytes(legacy), LegacyState.class);
            if (state.version() != Entry.VERSION || state.volumes() == null) {
                throw new IOException("unsupported version " + state.version() + " or no volumes");
            }
            for (MountedVolume v : state.volumes()) {
                check(v);
                synchronized (this) {
                    volumes.putIfAbsent(v.name(), v);
                }
                persist(v.name(), true);
            }
        } catch (IOException e) {
            throw corrupt(legacy, e);
        }
        AtomicFiles.delete(legacy, true);
    }

    /** Where the volumes' files are. */
    public Path directory() {
        return dir;
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
        synchronized (this) {
            volumes.put(volume.name(), volume.withReferences(Map.of()));
        }
        persist(volume.name(), false);
    }

    /** Adds one reference of {@code id}; the volume must be in the table. */
    public MountedVolume reference(String name, String id) {
        MountedVolume out;
        synchronized (this) {
            MountedVolume v = require(name);
            Map<String, Integer> refs = new TreeMap<>(v.references());
            refs.merge(id, 1, Integer::sum);
            out = v.withReferences(refs);
            volumes.put(name, out);
        }
        persist(name, true);
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
        }
        persist(name, out.totalReferences() > 0);
        return Optional.of(out);
    }

    /** Forgets a volume after it has been torn down. */
    public void remove(String name) {
        synchronized (this) {
            if (volumes.remove(name) == null) {
                return;
            }
        }
        persist(name, true);
    }

    private MountedVolume require(String name) {
        MountedVolume v = volumes.get(name);
        if (v == null) {
            throw new IllegalStateException("volume " + name + " is not in the mount table");
        }
        return v;
    }

    /**
     * Writes the volume's newest state to its file (deletes the file when the volume is gone), forced to disk when
     * {@code force}. A failed write throws to its caller; the memory keeps the change, and the next write of the
     * volume carries it.
     */
    private void persist(String name, boolean force) {
        Path file = dir.resolve(name + SUFFIX);
        synchronized (writers[Math.floorMod(name.hashCode(), writers.length)]) {
            MountedVolume current;
            synchronized (this) {
                current = volumes.get(name);
            }
            if (current == null) {
                AtomicFiles.delete(file, force);
                return;
            }
            byte[] bytes;
            try {
                bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Entry(Entry.VERSION, current));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode the mount table entry of " + name, e);
            }
            AtomicFiles.write(file, bytes, force);
        }
    }

    /** The format of one volume's file. */
    record Entry(int version, MountedVolume volume) {
        static final int VERSION = 1;
    }

    /** The single-file format of lunpool 0.1 ({@code mounts.json}), read once to take it over. */
    record LegacyState(int version, List<MountedVolume> volumes) {
    }
}
