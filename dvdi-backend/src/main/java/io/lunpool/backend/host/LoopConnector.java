package io.lunpool.backend.host;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.LunTarget;
import io.lunpool.core.spi.HostConnector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Attaches a loop array LUN by its backing file. Which device holds which file comes from a {@link LoopIndex}
 * (one sysfs read checks an entry), so a connect of an attached LUN makes no system call that grows with the
 * number of loop devices, a fresh connect one attach and a disconnect one detach per device, through
 * {@link KernelOps} (system calls, or losetup when the native library is missing).
 */
final class LoopConnector implements HostConnector {
    private static final long DETACH_WAIT_MILLIS = 3000;
    /** Striped by backing file and shared by every connector in the JVM, as the loop devices are. */
    private static final Object[] LOCKS = new Object[64];
    private static final LoopIndex INDEX = new LoopIndex();
    private final KernelOps kernel;

    static {
        for (int i = 0; i < LOCKS.length; i++) {
            LOCKS[i] = new Object();
        }
    }

    LoopConnector(KernelOps kernel) {
        this.kernel = kernel;
    }

    @Override
    public Path connect(LunTarget lun) {
        Path backing = realBacking(lun);
        synchronized (lockFor(backing)) {
            List<Path> attached = INDEX.devicesFor(backing);
            if (!attached.isEmpty()) {
                return attached.get(0);
            }
            Path device;
            try {
                device = kernel.attachLoop(backing);
            } catch (LunpoolException e) {
                throw new LunpoolException(e.reason(), "LUN " + lun.wwn() + ": " + e.getMessage(), e);
            }
            INDEX.add(backing, device);
            return device;
        }
    }

    @Override
    public Optional<Path> find(LunTarget lun) {
        return INDEX.devicesFor(comparableBacking(lun)).stream().findFirst();
    }

    /** Detaches every device the index knows bound to the LUN's file; idempotent. */
    @Override
    public void disconnect(LunTarget lun) {
        Path backing = comparableBacking(lun);
        synchronized (lockFor(backing)) {
            List<Path> devices = INDEX.devicesFor(backing);
            for (Path device : devices) {
                kernel.detachLoop(device);
            }
            List<Path> left = awaitDetached(devices, backing);
            INDEX.replace(backing, left);
            if (!left.isEmpty()) {
                // the kernel defers the detach (autoclear) while the device is open, e.g. mounted
                throw new LunpoolException(Reason.HOST_ERROR, "LUN " + lun.wwn() + " is still attached as " + left
                        + " after detaching it: the device is in use (mounted or open); unmount it first");
            }
        }
    }

    /** Reads every loop binding from sysfs again: picks up bindings made by other programs since the first look. */
    static void rescan() {
        INDEX.rescan();
    }

    /**
     * Detaching a device something still has open (a udev probe after mkfs, a reader that is
     * closing) only marks it for autoclear; the kernel detaches it when the last opener closes. Give that
     * up to {@link #DETACH_WAIT_MILLIS} before calling the device in use.
     */
    private static List<Path> awaitDetached(List<Path> devices, Path backing) {
        long deadline = System.nanoTime() + DETACH_WAIT_MILLIS * 1_000_000L;
        List<Path> left = stillBound(devices, backing);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            left = stillBound(devices, backing);
        }
        return left;
    }

    private static List<Path> stillBound(List<Path> devices, Path backing) {
        return devices.stream().filter(d -> LoopDevices.isBackedBy(d, backing)).toList();
    }

    private static Object lockFor(Path backing) {
        return LOCKS[Math.floorMod(backing.hashCode(), LOCKS.length)];
    }

    private static Path realBacking(LunTarget lun) {
        try {
            return backingPath(lun).toRealPath();
        } catch (IOException e) {
            throw new LunpoolException(Reason.HOST_ERROR, "backing file " + lun.backing() + " of LUN " + lun.wwn()
                    + " cannot be attached: " + e);
        }
    }

    /** The real path when the file exists; else the normalized path, which still finds a device whose file was deleted. */
    private static Path comparableBacking(LunTarget lun) {
        try {
            return backingPath(lun).toRealPath();
        } catch (IOException e) {
            return backingPath(lun).toAbsolutePath().normalize();
        }
    }

    private static Path backingPath(LunTarget lun) {
        if (lun.backing() == null || lun.backing().isBlank()) {
            throw LunpoolException.invalid("LUN " + lun.wwn() + " has no backing file; the loop connector needs one");
        }
        return Path.of(lun.backing());
    }
}
