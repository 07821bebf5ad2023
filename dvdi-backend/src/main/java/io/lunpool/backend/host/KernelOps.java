package io.lunpool.backend.host;

import io.lunpool.core.model.FsType;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The kernel operations on the attach and mount path, each idempotent where it says so. Two implementations
 * behave alike (the same contract test runs against both): {@link SyscallKernelOps}, system calls through the
 * JNI library, and {@link CommandKernelOps}, util-linux commands, used when the library cannot be loaded.
 * Failures are {@code HOST_ERROR}s naming the device or directory.
 */
interface KernelOps {
    /** Binds the backing file (a real path) to a free loop device, with direct I/O when its filesystem allows. */
    Path attachLoop(Path backing);

    /** Flushes the device and unbinds it; the kernel defers the unbinding while the device is open. Unbound: no-op. */
    void detachLoop(Path device);

    /** Mounts the device on the existing directory with noatime. */
    void mount(Path device, Path dir, FsType type);

    /** Unmounts the directory; a busy filesystem fails with a message that says so. */
    void umount(Path dir);

    /** Whether something is mounted on the directory (an existing real path). */
    boolean isMountPoint(Path dir);

    /** For logs and bench records: "syscalls" or "commands". */
    String name();

    /** System calls when the JNI library loads here, else the commands (the reason logged once). */
    static KernelOps forThisHost(CommandRunner runner) {
        boolean first = Said.ONCE.compareAndSet(false, true);
        if (NativeHost.unavailableBecause().isEmpty()) {
            if (first) {
                LoggerFactory.getLogger(KernelOps.class).info("the host layer attaches loop devices and mounts by"
                        + " system calls ({})", NativeHost.LIBRARY);
            }
            return new SyscallKernelOps();
        }
        if (first) {
            LoggerFactory.getLogger(KernelOps.class).warn("the host layer runs losetup/mount/umount as commands"
                    + " (slower): the native library is unavailable: {}", NativeHost.unavailableBecause().get());
        }
        return new CommandKernelOps(runner);
    }

    /** Which way the host layer went is logged once per process. */
    final class Said {
        static final java.util.concurrent.atomic.AtomicBoolean ONCE = new java.util.concurrent.atomic.AtomicBoolean();

        private Said() {
        }
    }

    /** The number N of /dev/loopN. */
    static int loopNumber(Path device) {
        String name = device.getFileName().toString();
        if (!name.matches("loop\\d+")) {
            throw new IllegalArgumentException(device + " is not a loop device");
        }
        return Integer.parseInt(name.substring(4));
    }
}
