package io.lunpool.backend.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;

/**
 * The JNI library {@code liblunpoolhost} (built from {@code src/main/c/lunpool_host.c} with the module and
 * shipped in the jar under {@code native/linux-<os.arch>/}): loop attach and detach, mount and umount as system
 * calls. Loaded once per JVM from a copy in the temp directory; when it cannot be loaded (another OS or
 * architecture, a {@code noexec} temp directory) {@link #unavailableBecause()} says why and the host layer runs
 * the util-linux commands instead ({@link KernelOps#forThisHost}).
 */
final class NativeHost {
    static final String LIBRARY = "liblunpoolhost.so";
    private static final String UNAVAILABLE = load();

    /** A failed system call: the message names the call, its arguments and strerror; {@link #errno()} is raw. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int errno;

        Failure(String message, int errno) {
            super(message);
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }

    static final int EBUSY = 16;
    static final int EINVAL = 22;

    private NativeHost() {
    }

    /** Empty when the library is loaded; else why not. */
    static Optional<String> unavailableBecause() {
        return Optional.ofNullable(UNAVAILABLE);
    }

    /** Binds the file to the lowest free loop device (direct I/O when the file allows it); returns its number. */
    static native int attachLoop(String backing, boolean directIo);

    /** Flushes and unbinds /dev/loopN (deferred by the kernel while it is open); false when it was not bound. */
    static native boolean detachLoop(int number);

    /** mount(2) with MS_NOATIME and the filesystem's option string {@code data}. */
    static native void mount(String source, String target, String fsType, String data);

    /** umount2(2) without following a symlink at the target. */
    static native void umount(String target);

    /** 1 when the path is the root of a mount, 0 when not, -1 when the kernel cannot tell (statx before 5.8). */
    static native int isMountRoot(String path);

    /** Whether a kernel release ("6.1.0-18-amd64") has the LOOP_CONFIGURE ioctl the attach uses: 5.8 or later. */
    static boolean hasLoopConfigure(String release) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\d+)\\.(\\d+)").matcher(release);
        if (!m.find()) {
            return false;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        return major > 5 || (major == 5 && minor >= 8);
    }

    private static String load() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not Linux (" + System.getProperty("os.name") + ")";
        }
        if ("false".equals(System.getProperty("lunpool.host.native"))) {
            return "switched off with -Dlunpool.host.native=false";
        }
        if (!hasLoopConfigure(System.getProperty("os.version", ""))) {
            return "Linux " + System.getProperty("os.version") + " has no LOOP_CONFIGURE (Linux 5.8 or later)";
        }
        String resource = "/native/linux-" + System.getProperty("os.arch") + "/" + LIBRARY;
        try (InputStream in = NativeHost.class.getResourceAsStream(resource)) {
            if (in == null) {
                return "no " + resource + " on the class path (built for another architecture?)";
            }
            Path copy = Files.createTempFile("lunpoolhost-", ".so");
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
            } finally {
                Files.deleteIfExists(copy); // the loaded library stays mapped
            }
            return null;
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return "loading " + resource + " failed: " + e;
        }
    }
}
