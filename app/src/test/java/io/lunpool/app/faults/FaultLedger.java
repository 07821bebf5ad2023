package io.lunpool.app.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.lunpool.app.docker.LunScan;
import io.lunpool.core.Json;
import io.lunpool.core.model.Attachment;
import io.lunpool.core.model.Lun;
import io.lunpool.core.model.LunState;
import io.lunpool.core.model.Volume;
import io.lunpool.scheduler.array.LoopArray;
import io.lunpool.scheduler.store.Kind;
import io.lunpool.scheduler.store.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Counts what a fault cost, once the system has recovered and is quiet (no chore running, no call in flight): the
 * fault suite's ledger. A test tells it which operations were acknowledged ({@link #created}, {@link #deleted}),
 * which hosts to look at (their mount root and mount table) and which volumes are legitimately in use; then
 * {@link #count()} reads ZooKeeper (through the store), the loop array's directory, the kernel's loop devices and
 * mounts, and each host's mount table, and returns {@link FaultCounters}.
 *
 * <p>Tenants write {@link #TENANT_MARKER} into their volumes; a FREE LUN whose image still holds it was handed back
 * without a wipe. The logs of the control planes that ran chores ({@link #choreLog}) show when each chore worked on
 * which LUN; two chores on one LUN whose times overlap were not kept apart.
 */
public final class FaultLedger {
    /** What tests write into a tenant's filesystem, so a LUN that was not wiped is recognisable. */
    public static final String TENANT_MARKER = "lunpool-tenant-bytes-7f3a9c";
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** A host whose backend is checked: its name at the control plane, mount root and mount-table directory. */
    public record Host(String name, Path mountRoot, Path mountTableDir) {
    }

    private final StateStore store;
    private final Path arrayDir;
    private final List<Host> hosts;
    private final Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
    private final Set<String> inUse = ConcurrentHashMap.newKeySet();
    private final Map<Path, List<Instant>> choreLogs = new ConcurrentHashMap<>();

    public FaultLedger(StateStore store, Path arrayDir, List<Host> hosts) {
        this.store = store;
        this.arrayDir = arrayDir;
        this.hosts = List.copyOf(hosts);
    }

    /** A create of this volume was acknowledged: it must exist afterwards (unless a later delete was acknowledged). */
    public void created(String volume) {
        acknowledged.put(volume, true);
    }

    /** A delete of this volume was acknowledged: it must not exist afterwards (unless created again). */
    public void deleted(String volume) {
        acknowledged.put(volume, false);
    }

    /** The volume is mounted by a user that still runs: its attachment and references are not stuck. */
    public void inUse(String volume) {
        inUse.add(volume);
    }

    public void released(String volume) {
        inUse.remove(volume);
    }

    /**
     * A control plane's log, to read its chores' start and end lines from; {@code killedAt} are the times the
     * process writing it was killed (a chore that started before a kill and has no end ended with the process).
     */
    public void choreLog(Path log, List<Instant> killedAt) {
        choreLogs.put(log, List.copyOf(killedAt));
    }

    public static byte[] marker() {
        return TENANT_MARKER.getBytes(StandardCharsets.US_ASCII);
    }

    public FaultCounters count() {
        List<String> details = new ArrayList<>();
        Map<String, Lun> luns = new HashMap<>();
        store.list(Kind.LUN).forEach(l -> luns.put(l.key(), l.value()));
        Map<String, Volume> volumes = new HashMap<>();
        store.list(Kind.VOLUME).forEach(v -> volumes.put(v.key(), v.value()));
        Map<String, Attachment> attachments = new HashMap<>();
        store.list(Kind.ATTACHMENT).forEach(a -> attachments.put(a.key(), a.value()));

        int lost = 0;
        for (Map.Entry<String, Boolean> e : acknowledged.entrySet()) {
            boolean exists = volumes.containsKey(e.getKey());
            if (exists != e.getValue()) {
                lost++;
                details.add("volume " + e.getKey() + ": acknowledged " + (e.getValue() ? "created" : "deleted")
                        + " but " + (exists ? "exists" : "is missing"));
            }
        }

        int twice = 0;
        int inconsistent = 0;
        Map<String, List<String>> byLun = new HashMap<>();
        volumes.values().forEach(v -> byLun.computeIfAbsent(v.lun(), k -> new ArrayList<>()).add(v.name()));
        for (Map.Entry<String, List<String>> e : byLun.entrySet()) {
            if (e.getValue().size() > 1) {
                twice++;
                details.add("LUN " + e.getKey() + " is the LUN of volumes " + e.getValue());
            }
            Lun lun = luns.get(e.getKey());
            if (lun == null || lun.state() != LunState.CLAIMED || !e.getValue().contains(lun.volume())) {
                inconsistent++;
                details.add("LUN " + e.getKey() + " of volume(s) " + e.getValue() + " is recorded as " + lun);
            }
        }
        for (Lun lun : luns.values()) {
            if (lun.state() == LunState.CLAIMED && (lun.volume() == null || !volumes.containsKey(lun.volume())
                    || !volumes.get(lun.volume()).lun().equals(lun.wwn()))) {
                inconsistent++;
                details.add("LUN " + lun.wwn() + " is CLAIMED by volume " + lun.volume() + ", which does not hold it");
            }
        }

        int doubles = 0;
        LoopArray array = new LoopArray(arrayDir);
        for (Lun lun : luns.values()) {
            List<String> mapped = array.hosts(lun.wwn());
            if (mapped.size() > 1) {
                doubles++;
                details.add("LUN " + lun.wwn() + " is mapped to " + mapped);
            }
        }
        Map<String, Integer> attachedPerLun = new HashMap<>();
        attachments.values().forEach(a -> {
            Volume v = volumes.get(a.volume());
            if (v != null) {
                attachedPerLun.merge(v.lun(), 1, Integer::sum);
            }
        });
        attachedPerLun.forEach((lun, n) -> {
            if (n > 1) {
                details.add("LUN " + lun + " has " + n + " attachments");
            }
        });
        doubles += (int) attachedPerLun.values().stream().filter(n -> n > 1).count();

        List<String[]> mountinfo = mountinfo();
        Set<String> mountedDevices = new HashSet<>();
        mountinfo.forEach(m -> mountedDevices.add(m[1]));
        int leakedMounts = 0;
        int stuckAttached = 0;
        int stuckReferenced = 0;
        for (Host host : hosts) {
            Map<String, Integer> references = mountTable(host.mountTableDir());
            Path root = host.mountRoot().toAbsolutePath().normalize();
            for (String[] m : mountinfo) {
                Path point = Path.of(m[0]);
                if (root.equals(point.getParent())) {
                    String volume = point.getFileName().toString();
                    if (references.getOrDefault(volume, 0) == 0) {
                        leakedMounts++;
                        details.add("host " + host.name() + ": " + point + " is mounted (" + m[1]
                                + ") with no referenced mount-table entry");
                    }
                }
            }
            for (Map.Entry<String, Integer> e : references.entrySet()) {
                if (e.getValue() > 0 && !inUse.contains(e.getKey())) {
                    stuckReferenced++;
                    details.add("host " + host.name() + ": volume " + e.getKey() + " keeps " + e.getValue()
                            + " reference(s) with no user");
                } else if (e.getValue() == 0) {
                    stuckReferenced++;
                    details.add("host " + host.name() + ": volume " + e.getKey()
                            + " is in the mount table without references (a mount or unmount cut half-way)");
                }
            }
            for (Attachment a : attachments.values()) {
                if (a.host().equals(host.name()) && !inUse.contains(a.volume())
                        && references.getOrDefault(a.volume(), 0) == 0) {
                    stuckAttached++;
                    details.add("volume " + a.volume() + " is attached to host " + host.name() + " with no mount there");
                }
            }
        }

        int leakedLoops = 0;
        Path arrayReal = real(arrayDir);
        for (Map.Entry<String, Path> e : loopBindings().entrySet()) {
            if (e.getValue().startsWith(arrayReal) && !mountedDevices.contains(e.getKey())) {
                leakedLoops++;
                details.add(e.getKey() + " is bound to " + e.getValue() + " and mounted nowhere");
            }
        }

        int leakedFiles = 0;
        Set<String> recordedBacking = new HashSet<>();
        luns.values().forEach(l -> {
            if (l.backing() != null && !l.backing().isEmpty()) {
                recordedBacking.add(real(Path.of(l.backing())).toString());
            }
        });
        for (Path file : list(arrayDir)) {
            String name = file.getFileName().toString();
            if (name.startsWith(".") && name.endsWith(".tmp")) {
                leakedFiles++;
                details.add("array temp file " + file);
            } else if (name.endsWith(".hosts")
                    && !Files.exists(file.resolveSibling(name.substring(0, name.length() - 6) + ".json"))) {
                leakedFiles++;
                details.add("array mappings file without sidecar " + file);
            } else if (name.endsWith(".img")) {
                Path sidecar = file.resolveSibling(name.substring(0, name.length() - 4) + ".json");
                if (!Files.exists(sidecar)) {
                    leakedFiles++;
                    details.add("array image without sidecar " + file);
                } else if (!recordedBacking.contains(real(file).toString())) {
                    leakedFiles++;
                    details.add("array LUN " + file + " is recorded in no LUN record");
                }
            }
        }

        int dirty = 0;
        byte[] marker = marker();
        for (Lun lun : luns.values()) {
            if (lun.state() == LunState.FREE && lun.backing() != null && !lun.backing().isEmpty()
                    && Files.exists(Path.of(lun.backing()))) {
                long found = LunScan.occurrences(Path.of(lun.backing()), marker);
                if (found > 0) {
                    dirty++;
                    details.add("FREE LUN " + lun.wwn() + " holds a tenant's marker " + found + " time(s)");
                }
            }
        }
        int overlapping = ChoreRuns.overlaps(choreLogs, details);
        return new FaultCounters(lost, twice, inconsistent, doubles, leakedMounts, leakedLoops, leakedFiles,
                stuckAttached, stuckReferenced, dirty, overlapping, details);
    }

    /** Volume name to its total references, from the mount table's files ({@code <volume>.json}). */
    private static Map<String, Integer> mountTable(Path dir) {
        Map<String, Integer> out = new HashMap<>();
        for (Path file : list(dir)) {
            String name = file.getFileName().toString();
            if (name.startsWith(".") || !name.endsWith(".json")) {
                continue;
            }
            try {
                JsonNode volume = Json.mapper().readTree(file.toFile()).path("volume");
                int total = 0;
                for (JsonNode count : volume.path("references")) {
                    total += count.asInt();
                }
                out.put(volume.path("name").asText(), total);
            } catch (IOException e) {
                throw new UncheckedIOException("reading mount-table file " + file, e);
            }
        }
        return out;
    }

    /** Mount point and source of every mount this process sees. */
    private static List<String[]> mountinfo() {
        try (Stream<String> lines = Files.lines(MOUNTINFO)) {
            return lines.map(l -> {
                String[] f = l.split(" ");
                int dash = List.of(f).indexOf("-");
                return new String[] {unescape(f[4]), dash > 0 && dash + 2 < f.length ? f[dash + 2] : ""};
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    /** Bound loop devices and their backing files, from sysfs. */
    private static Map<String, Path> loopBindings() {
        Map<String, Path> out = new HashMap<>();
        try (DirectoryStream<Path> blocks = Files.newDirectoryStream(SYS_BLOCK, "loop*")) {
            for (Path block : blocks) {
                Path attribute = block.resolve("loop/backing_file");
                if (Files.isRegularFile(attribute)) {
                    try {
                        String text = Files.readString(attribute).strip().replace(" (deleted)", "");
                        if (!text.isEmpty()) {
                            out.put("/dev/" + block.getFileName(), Path.of(text));
                        }
                    } catch (IOException unboundMeanwhile) {
                        // unbound while we looked: not a leak
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
