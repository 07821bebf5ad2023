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
 * Attaches a loop array LUN by its backing file with {@code losetup}. Lookups read sysfs instead of
 * running {@code losetup -j}, so a connect of an attached LUN runs no command and a fresh connect runs one.
 */
final class LoopConnector implements HostConnector {
    private static final int ATTEMPTS = 3;
    private static final long DETACH_WAIT_MILLIS = 3000;
    private final CommandRunner runner;
    private final Object[] locks = new Object[64];

    LoopConnector(CommandRunner runner) {
        this.runner = runner;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
    }

    @Override
    public Path connect(LunTarget lun) {
        Path backing = realBacking(lun);
        synchronized (lockFor(backing)) {
            LunpoolException last = null;
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                List<Path> attached = LoopDevices.backedBy(backing);
                if (!attached.isEmpty()) {
                    return attached.get(0);
                }
                // a concurrent losetup (another process) can grab the same free device: then we go round again
                CommandRunner.Result result = runner.run(CommandRunner.QUICK,
                        List.of("losetup", "--find", "--show", "--direct-io=on", backing.toString()));
                if (result.exit() != 0 && LoopDevices.backedBy(backing).isEmpty()) {
                    result = runner.run(CommandRunner.QUICK, List.of("losetup", "--find", "--show", backing.toString()));
                }
                if (result.exit() == 0) {
                    return Path.of(result.stdout().strip());
                }
                last = new LunpoolException(Reason.HOST_ERROR, "losetup of " + backing + " for LUN " + lun.wwn()
                        + " failed (exit " + result.exit() + "): " + result.stderr().strip());
            }
            throw last;
        }
    }

    @Override
    public Optional<Path> find(LunTarget lun) {
        return LoopDevices.backedBy(comparableBacking(lun)).stream().findFirst();
    }

    @Override
    public void disconnect(LunTarget lun) {
        Path backing = comparableBacking(lun);
        synchronized (lockFor(backing)) {
            for (Path device : LoopDevices.backedBy(backing)) {
                runner.runChecked(CommandRunner.QUICK, "blockdev", "--flushbufs", device.toString());
                runner.runChecked(CommandRunner.QUICK, "losetup", "-d", device.toString());
            }
            List<Path> left = awaitDetached(backing);
            if (!left.isEmpty()) {
                // the kernel defers the detach (autoclear) while the device is open, e.g. mounted
                throw new LunpoolException(Reason.HOST_ERROR, "LUN " + lun.wwn() + " is still attached as " + left
                        + " after losetup -d: the device is in use (mounted or open); unmount it first");
            }
        }
    }

    /**
     * {@code losetup -d} of a device something still has open (a udev probe after mkfs, a reader that is
     * closing) only marks it for autoclear; the kernel detaches it when the last opener closes. Give that
     * up to {@link #DETACH_WAIT_MILLIS} before calling the device in use.
     */
    private static List<Path> awaitDetached(Path backing) {
        long deadline = System.nanoTime() + DETACH_WAIT_MILLIS * 1_000_000L;
        List<Path> left = LoopDevices.backedBy(backing);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = LoopDevices.backedBy(backing);
        }
        return left;
    }

    private Object lockFor(Path backing) {
        return locks[Math.floorMod(backing.hashCode(), locks.length)];
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
