package io.lunpool.backend.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which loop devices are bound to which backing files, so that an attach or detach does not scan sysfs: the kernel
 * keeps every loop device it ever made (hundreds on a busy host), and a scan reads each of them, a cost that would
 * grow with the number of mounted volumes. One index per JVM, as the loop devices are per machine.
 *
 * <p>Filled by one full scan at the first look, then kept by the attaches and detaches of this process. Every
 * entry is checked with one sysfs read before it is trusted, so a device unbound or rebound behind our back is
 * never returned. What the index cannot see: a binding of one of our files made by another program after this
 * process's first look ({@link #rescan} picks those up).
 */
final class LoopIndex {
    private final Map<Path, List<Path>> devices = new ConcurrentHashMap<>();
    private volatile boolean scanned;

    /** The devices bound to the file (a real path) now, in the order they were found. */
    List<Path> devicesFor(Path backing) {
        if (!scanned) {
            rescan();
        }
        List<Path> known = devices.get(backing);
        if (known == null) {
            return List.of();
        }
        List<Path> bound = known.stream().filter(d -> LoopDevices.isBackedBy(d, backing)).toList();
        if (bound.size() != known.size()) {
            replace(backing, bound);
        }
        return bound;
    }

    synchronized void add(Path backing, Path device) {
        devices.compute(backing, (file, list) -> {
            List<Path> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            if (!next.contains(device)) {
                next.add(device);
            }
            return List.copyOf(next);
        });
    }

    synchronized void replace(Path backing, List<Path> bound) {
        if (bound.isEmpty()) {
            devices.remove(backing);
        } else {
            devices.put(backing, List.copyOf(bound));
        }
    }

    /** Forgets everything and reads every binding from sysfs again. */
    synchronized void rescan() {
        Map<Path, List<Path>> found = new ConcurrentHashMap<>();
        for (LoopDevices.Binding b : LoopDevices.backedBy(file -> true)) {
            found.computeIfAbsent(b.backing(), f -> new ArrayList<>()).add(b.device());
        }
        devices.clear();
        found.forEach((file, list) -> devices.put(file, List.copyOf(list)));
        scanned = true;
    }
}
