package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads which loop devices are bound to which backing files straight from sysfs
 * ({@code /sys/block/loopN/loop/backing_file}); the same thing {@code losetup -j} reports, without a fork.
 */
final class LoopDevices {
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final String DELETED = " (deleted)";

    /** A bound loop device and the path of its backing file as the kernel shows it. */
    record Binding(Path device, Path backing) {
    }

    private LoopDevices() {
    }

    /** The loop devices whose backing file matches, in device-name order. */
    static List<Binding> backedBy(Predicate<Path> backing) {
        List<Binding> found = new ArrayList<>();
        try (DirectoryStream<Path> blocks = Files.newDirectoryStream(SYS_BLOCK, "loop*")) {
            for (Path block : blocks) {
                Path file = readBacking(block);
                if (file != null && backing.test(file)) {
                    found.add(new Binding(Path.of("/dev", block.getFileName().toString()), file));
                }
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "listing loop devices in " + SYS_BLOCK + " failed: " + e, e);
        }
        found.sort((a, b) -> compareDevices(a.device(), b.device()));
        return found;
    }

    /** The backing file of one device (one sysfs read); empty when it is unbound or does not exist. */
    static java.util.Optional<Path> backingOf(Path device) {
        return java.util.Optional.ofNullable(readBacking(SYS_BLOCK.resolve(device.getFileName().toString())));
    }

    /** Whether this one device is bound to this file: one sysfs read instead of a scan of every loop device. */
    static boolean isBackedBy(Path device, Path realBacking) {
        return realBacking.equals(readBacking(SYS_BLOCK.resolve(device.getFileName().toString())));
    }

    /**
     * The backing file of one loop device, or null when it is unbound. The kernel keeps every loop device it ever
     * made, mostly unbound, so unbound ones are skipped with a stat, which costs less than a failed open and its
     * exception.
     */
    private static Path readBacking(Path block) {
        Path attribute = block.resolve("loop/backing_file");
        if (!Files.isRegularFile(attribute)) {
            return null;
        }
        try {
            String text = Files.readString(attribute).strip();
            if (text.endsWith(DELETED)) {
                text = text.substring(0, text.length() - DELETED.length());
            }
            return text.isEmpty() ? null : Path.of(text);
        } catch (IOException e) {
            return null; // an unbound loop device has no loop/ attributes, or it was unbound while we looked
        }
    }

    private static int compareDevices(Path a, Path b) {
        String x = a.getFileName().toString();
        String y = b.getFileName().toString();
        return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
    }
}
