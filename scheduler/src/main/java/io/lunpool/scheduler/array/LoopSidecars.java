package io.lunpool.scheduler.array;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lunpool.core.LunpoolException;
import io.lunpool.core.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sidecar files of a loop array directory. A write goes to a dot-prefixed temp file, is fsynced and
 * renamed over the sidecar, then the directory is fsynced; readers never see half a file and ignore temps.
 */
record LoopSidecars(Path directory, ObjectMapper json) {
    private static final String SUFFIX = ".json";

    Optional<LoopLunFile> read(String name) {
        return read(directory.resolve(name + SUFFIX));
    }

    List<LoopLunFile> readAll() {
        List<LoopLunFile> luns = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                f -> f.getFileName().toString().endsWith(SUFFIX) && !f.getFileName().toString().startsWith("."))) {
            for (Path file : files) {
                read(file).ifPresent(luns::add);
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "listing loop array " + directory + " failed: " + e, e);
        }
        luns.sort((a, b) -> a.name().compareTo(b.name()));
        return luns;
    }

    void write(LoopLunFile lun) {
        write(lun, true);
    }

    /**
     * Replaces a sidecar atomically (temp file, rename). {@code durable} also forces file and directory to
     * disk; host mappings skip that: on the loop array they are advisory (any host can attach the file),
     * and they sit on every attach's path.
     */
    void write(LoopLunFile lun, boolean durable) {
        Path target = directory.resolve(lun.name() + SUFFIX);
        Path temp = directory.resolve("." + lun.name() + SUFFIX + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(json.writeValueAsBytes(lun));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                if (durable) {
                    out.force(true);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (durable) {
                syncDirectory();
            }
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "writing " + target + " failed: " + e, e);
        }
    }

    void remove(String name) {
        Path target = directory.resolve(name + SUFFIX);
        try {
            Files.deleteIfExists(target);
            syncDirectory();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "deleting " + target + " failed: " + e, e);
        }
    }

    private Optional<LoopLunFile> read(Path file) {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), LoopLunFile.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new LunpoolException(Reason.ARRAY_ERROR, "reading " + file + " failed: " + e, e);
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
