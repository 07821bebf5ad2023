package io.lunpool.scheduler.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Reason;
import io.lunpool.core.Sizes;
import io.lunpool.core.spi.LunClaim;
import io.lunpool.core.spi.StorageArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A storage array made of files: LUN {@code name} is the sparse file {@code <dir>/<name>.img}, its host mappings
 * {@code <dir>/<name>.hosts} ({@link LoopMappings}) and the sidecar {@code <dir>/<name>.json} ({name, wwn,
 * sizeBytes}), which is written atomically and is the commit point: provision writes the image and the mappings
 * file first, delete removes the sidecar first, and whatever has no sidecar is a leftover. Mutations hold a
 * per-directory monitor and a lock on {@code <dir>/.lock}, so overlapping instances and processes stay
 * idempotent. Chores claim a LUN with a lock on its image ({@link LoopClaims}).
 */
public final class LoopArray implements StorageArray {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String NAA6_VENDOR = "6001405";
    private static final String IMAGE = ".img";
    private static final long LOCK_WAIT_NANOS = 60_000_000_000L;
    /** Free space a carve needs: the filesystem made on the LUN writes about 1/32 of its size (inode tables). */
    private static final int RESERVE_FRACTION = 32;
    private static final long MIN_RESERVE = 1L << 20;

    private final Path directory;
    private final ObjectMapper json = Json.mapper();
    private final SecureRandom random = new SecureRandom();
    /** One monitor per directory in this JVM: file locks guard only against other processes. */
    private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();

    private final Map<String, String> namesByWwn = new HashMap<>();
    private final Object monitor;

    public LoopArray(Path directory) {
        try {
            this.directory = Files.createDirectories(directory).toRealPath();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "loop array directory " + directory + " cannot be created: " + e, e);
        }
        this.monitor = MONITORS.computeIfAbsent(this.directory, d -> new Object());
        try {
            Files.createFile(this.directory.resolve(".lock")); // now, while there is room for it
        } catch (IOException existsOrNoRoom) {
            // there already, or made by the first locked call
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public ArrayLun provision(String name, long sizeBytes) {
        validate(name, sizeBytes);
        return locked(() -> {
            Optional<LoopLunFile> existing = sidecars().read(name);
            if (existing.isPresent()) {
                if (existing.get().sizeBytes() != sizeBytes) {
                    throw new LunpoolException(Reason.ARRAY_ERROR, "LUN " + name + " exists on loop array " + directory
                            + " with " + existing.get().sizeBytes() + " bytes, not the " + sizeBytes + " asked for");
                }
                return lun(existing.get());
            }
            requireRoom(name, sizeBytes);
            LoopLunFile lun = new LoopLunFile(name, newWwn(), sizeBytes);
            try {
                try (RandomAccessFile image = new RandomAccessFile(image(name).toFile(), "rw")) {
                    image.setLength(0); // an image without a sidecar is a leftover of a crashed provision
                    image.setLength(sizeBytes);
                }
                mappings().create(name);
                sidecars().write(lun);
            } catch (IOException | RuntimeException e) {
                removeFiles(name, e);
                throw failedCarve(name, e);
            }
            namesByWwn.put(lun.wwn(), name);
            return lun(lun);
        });
    }

    @Override
    public void delete(String wwn) {
        locked(() -> {
            find(wwn).ifPresent(lun -> {
                sidecars().remove(lun.name());
                try {
                    Files.deleteIfExists(image(lun.name()));
                    mappings().remove(lun.name());
                } catch (IOException e) {
                    throw new LunpoolException(Reason.ARRAY_ERROR, "deleting " + image(lun.name()) + " failed: " + e, e);
                }
                namesByWwn.remove(wwn);
            });
            return null;
        });
    }

    @Override
    public void map(String wwn, String host, List<String> initiators) {
        Names.host(host);
        locked(() -> {
            LoopLunFile lun = find(wwn).orElseThrow(() -> LunpoolException.notFound(
                    "LUN " + wwn + " is not on loop array " + directory + "; it cannot be mapped to " + host));
            List<String> hosts = hostsOf(lun);
            if (!hosts.contains(host)) {
                List<String> next = new ArrayList<>(hosts);
                next.add(host);
                mappings().write(lun.name(), next);
            }
            return null;
        });
    }

    @Override
    public void unmap(String wwn, String host) {
        locked(() -> {
            find(wwn).ifPresent(lun -> {
                List<String> hosts = hostsOf(lun);
                if (hosts.contains(host)) {
                    List<String> next = new ArrayList<>(hosts);
                    next.remove(host);
                    mappings().write(lun.name(), next);
                }
            });
            return null;
        });
    }

    @Override
    public List<ArrayLun> list() {
        synchronized (monitor) {
            return scan();
        }
    }

    @Override
    public Optional<LunClaim> tryClaim(String wwn, String owner) {
        Path image;
        synchronized (monitor) {
            image = image(find(wwn).orElseThrow(() -> LunpoolException.notFound("LUN " + wwn
                    + " is not on loop array " + directory + "; it cannot be claimed")).name());
        }
        return LoopClaims.tryClaim(image, wwn, owner);
    }

    /** Images and mappings files without a sidecar, and the temp files of sidecar writes. */
    @Override
    public List<String> removeLeftovers() {
        return locked(() -> {
            List<String> removed = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (isLeftover(name)) {
                        Files.deleteIfExists(file);
                        removed.add(file.toString());
                    }
                }
            } catch (IOException e) {
                throw new LunpoolException(Reason.ARRAY_ERROR, "removing leftovers from loop array " + directory
                        + " failed: " + e, e);
            }
            return removed;
        });
    }

    private boolean isLeftover(String file) {
        if (file.startsWith(".")) {
            return file.endsWith(LoopSidecars.TEMP_SUFFIX);
        }
        for (String suffix : List.of(IMAGE, LoopMappings.SUFFIX)) {
            if (file.endsWith(suffix)) {
                String name = file.substring(0, file.length() - suffix.length());
                return !Files.exists(directory.resolve(name + LoopSidecars.SUFFIX));
            }
        }
        return false;
    }

    private List<ArrayLun> scan() {
        List<ArrayLun> luns = new ArrayList<>();
        namesByWwn.clear();
        for (LoopLunFile lun : sidecars().readAll()) {
            namesByWwn.put(lun.wwn(), lun.name());
            luns.add(lun(lun));
        }
        return luns;
    }

    /** The hosts the LUN is mapped to, in mapping order; empty for an unknown wwn. */
    public List<String> hosts(String wwn) {
        synchronized (monitor) {
            return find(wwn).map(this::hostsOf).orElse(List.of());
        }
    }

    private List<String> hostsOf(LoopLunFile lun) {
        return mappings().read(lun.name()).orElse(lun.hosts());
    }

    private Optional<LoopLunFile> find(String wwn) {
        String name = namesByWwn.get(wwn);
        Optional<LoopLunFile> lun = name == null ? Optional.empty() : sidecars().read(name);
        if (lun.isPresent() && lun.get().wwn().equals(wwn)) {
            return lun;
        }
        scan(); // written or deleted by another instance or process: rescan
        name = namesByWwn.get(wwn);
        return name == null ? Optional.empty() : sidecars().read(name);
    }

    private String newWwn() {
        while (true) {
            String wwn = String.format("naa.%s%013x%012x", NAA6_VENDOR, random.nextLong() >>> 12, random.nextLong() >>> 16);
            if (!namesByWwn.containsKey(wwn)) {
                return wwn;
            }
        }
    }

    /** EXHAUSTED before any file is made when the array's filesystem cannot hold the LUN's filesystem. */
    private void requireRoom(String name, long sizeBytes) {
        long needed = Math.max(MIN_RESERVE, sizeBytes / RESERVE_FRACTION);
        long usable;
        try {
            usable = Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "reading the free space of loop array " + directory
                    + " failed: " + e, e);
        }
        if (usable < needed) {
            throw new LunpoolException(Reason.EXHAUSTED, "loop array " + directory + " is full: "
                    + Sizes.format(usable) + " free, and LUN " + name + " of " + Sizes.format(sizeBytes) + " needs "
                    + Sizes.format(needed) + " for its filesystem; free space there or move the array");
        }
    }

    /** Removes what a failed carve made; a failure to do so is added to the carve's own failure. */
    private void removeFiles(String name, Exception failure) {
        try {
            Files.deleteIfExists(image(name));
            mappings().remove(name);
            sidecars().removeTemp(name);
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private LunpoolException failedCarve(String name, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return new LunpoolException(Reason.EXHAUSTED, "loop array " + directory + " is full: carving LUN "
                        + name + " failed (" + message + "); free space there or move the array", e);
            }
        }
        if (e instanceof LunpoolException le) {
            return le;
        }
        return new LunpoolException(Reason.ARRAY_ERROR, "carving LUN " + name + " on loop array " + directory
                + " failed: " + e, e);
    }

    private ArrayLun lun(LoopLunFile lun) {
        return new ArrayLun(lun.name(), lun.wwn(), lun.sizeBytes(), image(lun.name()).toString());
    }

    private Path image(String name) {
        return directory.resolve(name + IMAGE);
    }

    private LoopSidecars sidecars() {
        return new LoopSidecars(directory, json);
    }

    private LoopMappings mappings() {
        return new LoopMappings(directory, json);
    }

    /**
     * Runs {@code work} holding the directory's monitor and its lock file. A process stopped while it holds the
     * lock makes the others wait up to a minute, then fail with ARRAY_ERROR instead of hanging.
     */
    private <T> T locked(Supplier<T> work) {
        synchronized (monitor) {
            try (FileChannel channel = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                long deadline = System.nanoTime() + LOCK_WAIT_NANOS;
                FileLock lock;
                while ((lock = channel.tryLock()) == null) {
                    if (System.nanoTime() > deadline) {
                        throw new LunpoolException(Reason.ARRAY_ERROR, "loop array " + directory + " stayed locked by"
                                + " another process for a minute (" + directory.resolve(".lock") + "); retry later");
                    }
                    LockSupport.parkNanos(5_000_000L);
                }
                try {
                    return work.get();
                } finally {
                    lock.release();
                }
            } catch (IOException e) {
                throw new LunpoolException(Reason.ARRAY_ERROR, "locking loop array " + directory + " failed: " + e, e);
            }
        }
    }

    private static void validate(String name, long sizeBytes) {
        if (name == null || name.length() > Names.MAX_LENGTH || name.contains("..") || !NAME.matcher(name).matches()) {
            throw LunpoolException.invalid("LUN name '" + name + "' is not valid: use 1 to " + Names.MAX_LENGTH
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit, without '..'");
        }
        if (sizeBytes <= 0 || sizeBytes % 512 != 0) {
            throw LunpoolException.invalid("LUN size " + sizeBytes + " is not valid: it must be a positive multiple of 512 bytes");
        }
    }
}
