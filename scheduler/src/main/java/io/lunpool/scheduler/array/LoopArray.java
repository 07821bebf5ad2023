package io.lunpool.scheduler.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.Json;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Names;
import io.lunpool.core.Reason;
import io.lunpool.core.spi.StorageArray;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
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
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A storage array made of files: LUN {@code name} is the sparse file {@code <dir>/<name>.img} plus the
 * sidecar {@code <dir>/<name>.json} ({name, wwn, sizeBytes, hosts}), which is written atomically and is
 * the commit point: provision writes the image first, delete removes the sidecar first. Mutations hold
 * a per-directory monitor and a lock on {@code <dir>/.lock}, so overlapping instances and processes stay idempotent.
 */
public final class LoopArray implements StorageArray {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String NAA6_VENDOR = "6001405";

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
            LoopLunFile lun = new LoopLunFile(name, newWwn(), sizeBytes, List.of());
            try (RandomAccessFile image = new RandomAccessFile(image(name).toFile(), "rw")) {
                image.setLength(0); // an image without a sidecar is a leftover of a crashed provision
                image.setLength(sizeBytes);
            } catch (IOException e) {
                throw new LunpoolException(Reason.ARRAY_ERROR, "creating " + image(name) + " failed: " + e, e);
            }
            sidecars().write(lun);
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
            if (!lun.hosts().contains(host)) {
                List<String> hosts = new ArrayList<>(lun.hosts());
                hosts.add(host);
                sidecars().write(lun.withHosts(hosts), false);
            }
            return null;
        });
    }

    @Override
    public void unmap(String wwn, String host) {
        locked(() -> {
            find(wwn).filter(lun -> lun.hosts().contains(host)).ifPresent(lun -> {
                List<String> hosts = new ArrayList<>(lun.hosts());
                hosts.remove(host);
                sidecars().write(lun.withHosts(hosts), false);
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
            return find(wwn).map(LoopLunFile::hosts).orElse(List.of());
        }
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

    private ArrayLun lun(LoopLunFile lun) {
        return new ArrayLun(lun.name(), lun.wwn(), lun.sizeBytes(), image(lun.name()).toString());
    }

    private Path image(String name) {
        return directory.resolve(name + ".img");
    }

    private LoopSidecars sidecars() {
        return new LoopSidecars(directory, json);
    }

    private <T> T locked(Supplier<T> work) {
        synchronized (monitor) {
            try (FileChannel lock = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE)) {
                lock.lock(); // released when the channel closes
                return work.get();
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
