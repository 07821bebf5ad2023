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
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * This host's plugin mounts and their references per mount ID (counted by {@link ReferenceRules}), persisted on
 * every change.
 *
 * <p>Persistence: one JSON file per volume, {@code <stateDir>/mounts/<volume>.json}, replaced atomically on each
 * change of that volume (temp file, rename; see {@link AtomicFiles}), so a change costs the same however many
 * volumes are mounted. A file that cannot be parsed stops the start with a message that names it: silently
 * dropping it would leak a mount. Temp files (a write in progress, or one cut short by a crash) are skipped. A
 * table in the single-file format is taken over at load ({@link SingleFileTakeOver}).
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
        SingleFileTakeOver.run(dir.resolveSibling(SingleFileTakeOver.FILE_NAME), table::adopt);
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

    /** Throws when the volume lacks what the table needs to find and tear it down again. */
    static void check(MountedVolume v) throws IOException {
        if (v.name() == null || v.mountpoint() == null || v.lun() == null) {
            throw new IOException("an entry lacks name, lun or mountpoint: " + v);
        }
    }

    static LunpoolException corrupt(Path file, IOException e) {
        return new LunpoolException(Reason.INVALID, "mount table " + file + " is corrupt (" + e.getMessage()
                + "); the plugin will not start with it. Check the mounts under the mount root against"
                + " /proc/self/mountinfo, then repair the file or move it away", e);
    }

    /** Adds a volume taken over from another format, unless the table has it already; forced to disk. */
    private void adopt(MountedVolume v) {
        synchronized (this) {
            volumes.putIfAbsent(v.name(), v);
        }
        persist(v.name(), true);
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

    /** Counts a Mount of {@code id} ({@link ReferenceRules#mount}); the volume must be in the table. */
    public MountedVolume reference(String name, String id) {
        MountedVolume out;
        synchronized (this) {
            out = ReferenceRules.mount(require(name), id);
            volumes.put(name, out);
        }
        persist(name, true);
        return out;
    }

    /**
     * Counts an Unmount of {@code id} ({@link ReferenceRules#unmount}). Returns the volume afterwards, empty when it
     * is not in the table. A release that leaves no reference is only written: the caller tears the volume down
     * next, and that ends in a forced {@link #remove}.
     */
    public Optional<MountedVolume> release(String name, String id) {
        return change(name, v -> ReferenceRules.unmount(v, id));
    }

    /** Removes exactly one reference of {@code id} ({@link ReferenceRules#releaseOne}): the undo of one Mount. */
    public Optional<MountedVolume> releaseOne(String name, String id) {
        return change(name, v -> ReferenceRules.releaseOne(v, id));
    }

    private Optional<MountedVolume> change(String name, UnaryOperator<MountedVolume> rule) {
        MountedVolume out;
        synchronized (this) {
            MountedVolume v = volumes.get(name);
            if (v == null) {
                return Optional.empty();
            }
            out = rule.apply(v);
            if (out.equals(v)) {
                return Optional.of(v);
            }
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
}
