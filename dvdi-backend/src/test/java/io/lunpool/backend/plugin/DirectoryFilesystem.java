package io.lunpool.backend.plugin;

import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import io.lunpool.core.model.FsType;
import io.lunpool.core.spi.VolumeFilesystem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@link VolumeFilesystem} that "mounts" by creating the directory and remembering it, for protocol tests that
 * cannot use real block devices. {@link #holdMounts} makes mounts of one volume wait until released (a slow mount);
 * {@link #failMounts} makes them fail.
 */
public final class DirectoryFilesystem implements VolumeFilesystem {
    private final Map<Path, Path> mounted = new ConcurrentHashMap<>();
    private volatile CountDownLatch hold;
    private volatile String held;
    private volatile CountDownLatch entered = new CountDownLatch(1);
    private volatile boolean failMounts;

    @Override
    public void mount(Path device, Path dir, FsType type) {
        CountDownLatch h = hold;
        if (h != null && dir.getFileName().toString().equals(held)) {
            entered.countDown();
            try {
                if (!h.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held mount was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (failMounts) {
            throw new LunpoolException(Reason.HOST_ERROR, "mount " + device + " " + dir + " failed: wrong fs type");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mounted.put(dir.toAbsolutePath().normalize(), device);
    }

    @Override
    public void umount(Path dir) {
        mounted.remove(dir.toAbsolutePath().normalize());
    }

    @Override
    public Set<Path> mountedUnder(Path root) {
        Path r = root.toAbsolutePath().normalize();
        return mounted.keySet().stream().filter(p -> p.startsWith(r) && !p.equals(r)).collect(Collectors.toSet());
    }

    public boolean isMounted(Path dir) {
        return mounted.containsKey(dir.toAbsolutePath().normalize());
    }

    /** Pretends {@code dir} is mounted (state left by an earlier run). */
    public void pretendMounted(Path dir) {
        mounted.put(dir.toAbsolutePath().normalize(), Path.of("/dev/unknown"));
    }

    /** From now on mounts of {@code volume} wait until the returned latch is counted down. */
    public CountDownLatch holdMounts(String volume) {
        entered = new CountDownLatch(1);
        held = volume;
        hold = new CountDownLatch(1);
        return hold;
    }

    /** Waits until a mount has started (after {@link #holdMounts}). */
    public boolean awaitMountStarted(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    public void releaseHold() {
        CountDownLatch h = hold;
        hold = null;
        if (h != null) {
            h.countDown();
        }
    }

    public void failMounts(boolean fail) {
        this.failMounts = fail;
    }
}
