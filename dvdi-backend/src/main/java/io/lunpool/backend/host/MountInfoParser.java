package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the text of {@code /proc/self/mountinfo} (proc(5)): {@code id parent major:minor root mountPoint
 * options [optional fields...] - fsType source superOptions}, where space, tab, newline and backslash in
 * paths appear as octal escapes ({@code \040}, {@code \011}, {@code \012}, {@code \134}).
 */
final class MountInfoParser {
    private MountInfoParser() {
    }

    private static final java.nio.file.Path MOUNTINFO = java.nio.file.Path.of("/proc/self/mountinfo");

    /** The mount table of this process's mount namespace, in mount order. */
    static List<MountInfo> current() {
        try {
            return parse(java.nio.file.Files.readString(MOUNTINFO));
        } catch (java.io.IOException e) {
            throw new io.lunpool.core.LunpoolException(io.lunpool.core.Reason.HOST_ERROR,
                    "reading " + MOUNTINFO + " failed: " + e, e);
        }
    }

    /** Whether something is mounted on the directory, by the mount table (the slow way: it grows with every mount). */
    static boolean isMountPoint(java.nio.file.Path dir) {
        return current().stream().anyMatch(m -> m.mountPoint().equals(dir));
    }

    static List<MountInfo> parse(String text) {
        List<MountInfo> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                mounts.add(parseLine(line));
            }
        }
        return mounts;
    }

    static MountInfo parseLine(String line) {
        String[] f = line.strip().split(" ");
        int separator = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                separator = i;
                break;
            }
        }
        if (separator < 0 || f.length < separator + 3) {
            throw new LunpoolException(Reason.HOST_ERROR, "mountinfo line is not understood: " + line);
        }
        try {
            return new MountInfo(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2], unescape(f[3]),
                    Path.of(unescape(f[4])), f[5], f[separator + 1], unescape(f[separator + 2]),
                    separator + 3 < f.length ? f[separator + 3] : "");
        } catch (NumberFormatException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "mountinfo line is not understood: " + line, e);
        }
    }

    /** Replaces the kernel's {@code \ooo} octal escapes with the characters they stand for. */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
